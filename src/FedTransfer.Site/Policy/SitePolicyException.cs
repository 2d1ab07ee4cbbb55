namespace FedTransfer.Site.Policy;

/// <summary>A site policy file is missing or wrong; the message is one line naming the file and the key.</summary>
public sealed class SitePolicyException(string message) : Exception(message);
