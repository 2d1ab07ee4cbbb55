using System.CommandLine;
using FedTransfer.Federation.Identity;
using FedTransfer.Site.Egress;
using Grpc.Net.Client;

namespace FedTransfer.Cli.Admin;

/// <summary>
/// Where the coordinator is and how to authenticate to it: shared by every central-team command.
/// Plaintext (http://) is for loopback development; production uses https:// with an admin certificate, given as a kit
/// folder (<c>--kit admins/NAME</c>, holding cert.pem, key.pem, ca.pem) or as separate files (<c>--cert/--key/--ca</c>,
/// which win over the kit's).
/// </summary>
internal sealed record CoordinatorConnection(Uri Address, string? CertificatePath, string? KeyPath, string? CaPath)
{
    public static readonly Option<string> CoordinatorOption = new("--coordinator")
    {
        Description = "Coordinator address, e.g. http://127.0.0.1:7070 (loopback dev, the coordinator's default) or https://coord.example:7443.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("FEDTRANSFER_COORDINATOR") ?? "http://127.0.0.1:7070",
    };
    public static readonly Option<string?> KitOption = new("--kit") { Description = "Admin startup kit folder (admins/NAME from `fedtransfer provision`): cert.pem, key.pem, ca.pem." };
    public static readonly Option<string?> CertOption = new("--cert") { Description = "Admin client certificate (PEM) for mTLS." };
    public static readonly Option<string?> KeyOption = new("--key") { Description = "Private key (PEM) of --cert." };
    public static readonly Option<string?> CaOption = new("--ca") { Description = "CA certificate (PEM) the coordinator's certificate must chain to." };

    public static void AddOptions(Command command)
    {
        command.Options.Add(CoordinatorOption);
        command.Options.Add(KitOption);
        command.Options.Add(CertOption);
        command.Options.Add(KeyOption);
        command.Options.Add(CaOption);
    }

    public static CoordinatorConnection From(ParseResult result)
    {
        var text = result.GetValue(CoordinatorOption)!;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var address) || (address.Scheme != "http" && address.Scheme != "https"))
            throw new ArgumentException($"--coordinator '{text}' is not an http:// or https:// address.");
        return WithKit(address, result.GetValue(KitOption), result.GetValue(CertOption), result.GetValue(KeyOption), result.GetValue(CaOption));
    }

    /// <summary>A connection using the files of an admin kit folder, each overridable by an explicit file.</summary>
    /// <exception cref="ArgumentException">The kit folder or a named file does not exist, or only one of certificate and key is given.</exception>
    public static CoordinatorConnection WithKit(Uri address, string? kit, string? certificate = null, string? key = null, string? ca = null)
    {
        if (kit is not null)
        {
            if (!Directory.Exists(kit))
                throw new ArgumentException($"--kit '{Path.GetFullPath(kit)}' is not a folder; pass an admin kit folder (admins/NAME) written by `fedtransfer provision`.");
            certificate ??= Path.Combine(kit, "cert.pem");
            key ??= Path.Combine(kit, "key.pem");
            ca ??= Path.Combine(kit, "ca.pem");
        }
        if ((certificate is null) != (key is null))
            throw new ArgumentException("--cert and --key go together: pass both (or --kit), or neither.");
        foreach (var (option, path) in new[] { ("--cert", certificate), ("--key", key), ("--ca", ca) })
        {
            if (path is not null && !File.Exists(path))
                throw new ArgumentException($"{option} file '{Path.GetFullPath(path)}' does not exist.");
        }
        if (address.Scheme == "http" && (certificate is not null || ca is not null))
            throw new ArgumentException($"--coordinator '{address}' is plaintext http but certificates were given; use https:// with an admin kit.");
        return new CoordinatorConnection(address, certificate, key, ca);
    }

    public GrpcChannel OpenChannel()
    {
        var certificate = CertificatePath is null ? null : PemFiles.ReadCertificateWithKey(CertificatePath, KeyPath!);
        var ca = CaPath is null ? null : PemFiles.ReadCertificate(CaPath);
        return CoordinatorChannel.Open(Address, certificate, ca);
    }
}
