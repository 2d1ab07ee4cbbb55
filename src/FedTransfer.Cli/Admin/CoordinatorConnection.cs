using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using FedTransfer.Rpc;

namespace FedTransfer.Cli.Admin;

/// <summary>
/// Where the coordinator is and how to authenticate to it: shared by every central-team command.
/// Plaintext (http://) is for loopback development; production uses https:// with an admin certificate.
/// </summary>
internal sealed record CoordinatorConnection(Uri Address, string? CertificatePath, string? KeyPath, string? CaPath)
{
    public static readonly Option<string> CoordinatorOption = new("--coordinator")
    {
        Description = "Coordinator address, e.g. http://127.0.0.1:7400 (loopback dev) or https://coord.example:7400.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("FEDTRANSFER_COORDINATOR") ?? "http://127.0.0.1:7400",
    };
    public static readonly Option<string?> CertOption = new("--cert") { Description = "Admin client certificate (PEM) for mTLS." };
    public static readonly Option<string?> KeyOption = new("--key") { Description = "Private key (PEM) of --cert." };
    public static readonly Option<string?> CaOption = new("--ca") { Description = "CA certificate (PEM) the coordinator's certificate must chain to." };

    public static void AddOptions(Command command)
    {
        command.Options.Add(CoordinatorOption);
        command.Options.Add(CertOption);
        command.Options.Add(KeyOption);
        command.Options.Add(CaOption);
    }

    public static CoordinatorConnection From(ParseResult result)
    {
        var text = result.GetValue(CoordinatorOption)!;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var address) || (address.Scheme != "http" && address.Scheme != "https"))
            throw new ArgumentException($"--coordinator '{text}' is not an http:// or https:// address.");
        return new CoordinatorConnection(address, result.GetValue(CertOption), result.GetValue(KeyOption), result.GetValue(CaOption));
    }

    public GrpcChannel OpenChannel()
    {
        var options = new GrpcChannelOptions();
        if (CertificatePath is not null)
            options.ClientCertificate = X509Certificate2.CreateFromPemFile(CertificatePath, KeyPath);
        if (CaPath is not null)
            options.TrustedCa = X509CertificateLoader.LoadCertificateFromFile(CaPath);
        return GrpcChannel.Create(Address, options);
    }
}
