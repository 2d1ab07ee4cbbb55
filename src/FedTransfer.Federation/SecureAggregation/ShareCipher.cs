using System.Security.Cryptography;
using System.Text;

namespace FedTransfer.Federation.SecureAggregation;

/// <summary>
/// AES-256-GCM for the shares two sites exchange through the coordinator. The associated data binds the ciphertext to
/// its run, round, sender and recipient, so the coordinator cannot replay a share to another site or round unnoticed.
/// </summary>
internal static class ShareCipher
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    public static byte[] Encrypt(byte[] key, SecureAggregationParameters parameters, string from, string to, ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[NonceBytes + plaintext.Length + TagBytes];
        var nonce = output.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var gcm = new AesGcm(key, TagBytes);
        gcm.Encrypt(nonce, plaintext, output.AsSpan(NonceBytes, plaintext.Length), output.AsSpan(NonceBytes + plaintext.Length), Associated(parameters, from, to));
        return output;
    }

    /// <exception cref="SecureAggregationRefusedException">The ciphertext does not authenticate for this sender, recipient and round.</exception>
    public static byte[] Decrypt(byte[] key, SecureAggregationParameters parameters, string from, string to, ReadOnlySpan<byte> ciphertext)
    {
        if (ciphertext.Length < NonceBytes + TagBytes) throw new SecureAggregationRefusedException($"the share from {from} is {ciphertext.Length} bytes, too short to be one");
        var plaintext = new byte[ciphertext.Length - NonceBytes - TagBytes];
        using var gcm = new AesGcm(key, TagBytes);
        try
        {
            gcm.Decrypt(ciphertext[..NonceBytes], ciphertext[NonceBytes..^TagBytes], ciphertext[^TagBytes..], plaintext, Associated(parameters, from, to));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new SecureAggregationRefusedException($"the share from {from} to {to} does not authenticate for run {parameters.RunId} round {parameters.Round}; it was altered or misrouted");
        }
        return plaintext;
    }

    private static byte[] Associated(SecureAggregationParameters parameters, string from, string to) =>
        Encoding.UTF8.GetBytes($"fedtransfer-secagg-v1\nshare\n{parameters.RunId}\n{parameters.Round}\n{from}\n{to}");
}
