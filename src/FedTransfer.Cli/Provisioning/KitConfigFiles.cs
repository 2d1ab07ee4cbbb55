using System.Text.Json;
using System.Text.Json.Nodes;

namespace FedTransfer.Cli.Provisioning;

/// <summary>
/// The ready settings files of a startup kit: the coordinator's and each site's, naming the kit's certificate files by
/// paths relative to the kit folder (the hosts resolve them against the file's folder), so `--config` is all they need.
/// </summary>
internal static class KitConfigFiles
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Listens on <paramref name="listenHost"/> (see <see cref="KitListenAddress"/>) with TLS, requires client certificates issued by the kit's CA.</summary>
    public static string Coordinator(string listenHost, int port) => Render(
        "// Startup kit of the FedTransfer coordinator: run `fedtransfer coordinator --config <this file>`.\n" +
        "// cert.pem/key.pem/ca.pem are relative to this file's folder. Every caller needs a certificate issued by ca.pem:\n" +
        "// sites (OU=site) for the Federation service, admins (OU=admin) for the Admin service. See coordinator.appsettings.json\n" +
        "// beside the binaries for every other setting.\n",
        new JsonObject
        {
            ["Coordinator"] = new JsonObject
            {
                ["DataDirectory"] = "data/coordinator",
                ["AllowInsecureSiteIdentity"] = false,
                ["Listener"] = new JsonObject
                {
                    ["Url"] = $"https://{listenHost}:{port}",
                    ["CertificatePath"] = KitLayout.CertificateFile,
                    ["CertificateKeyPath"] = KitLayout.KeyFile,
                    ["RequireClientCertificate"] = true,
                    ["ClientCaPath"] = KitLayout.CaFile,
                    // Absent until `fedtransfer revoke` writes it; honoured from then on.
                    ["RevocationListPath"] = KitLayout.RevocationListFile,
                },
            },
        });

    /// <summary>Dials the coordinator over TLS with the site's certificate; the data folder is left to the operator.</summary>
    public static string Site(string name, string coordinatorHost, int port) => Render(
        $"// Startup kit of site '{name}': run `fedtransfer site --config <this file> --data <folder with this site's data>`.\n" +
        "// cert.pem/key.pem/ca.pem are relative to this file's folder; key.pem is this site's private key: keep it here only.\n" +
        "// See site.appsettings.json beside the binaries for every other setting.\n",
        new JsonObject
        {
            ["Site"] = new JsonObject
            {
                ["CoordinatorUrl"] = $"https://{KitListenAddress.ForUrl(coordinatorHost)}:{port}",
                ["DisplayName"] = name,
                ["ClientCertificateFile"] = KitLayout.CertificateFile,
                ["ClientKeyFile"] = KitLayout.KeyFile,
                ["TrustedCaFile"] = KitLayout.CaFile,
            },
        });

    private static string Render(string header, JsonObject settings) => header + settings.ToJsonString(Indented) + "\n";
}
