using FedTransfer.Cli.Provisioning;
using FedTransfer.Federation.Identity;

namespace FedTransfer.Cli.Demo;

/// <summary>
/// The demo's startup kits: provisioned once into <c>kit/</c> of the work folder and reused by later demos, so the demo
/// runs with mutual TLS like a real deployment (coordinator certificate for 127.0.0.1, one certificate per site, an admin).
/// Re-provisioned when a site is missing or the certificates are about to expire.
/// </summary>
internal static class DemoKit
{
    public const string FolderName = "kit";
    public const string AdminName = "admin";

    public static KitLayout Ensure(string workDirectory, IReadOnlyList<string> siteNames)
    {
        var layout = new KitLayout(Path.Combine(workDirectory, FolderName));
        if (IsUsable(layout, siteNames)) return layout;
        return KitProvisioner.Provision(
            new ProvisionRequest(layout.Root, ["127.0.0.1"], siteNames, [AdminName], Days: 365, Force: true), DateTimeOffset.UtcNow);
    }

    private static bool IsUsable(KitLayout layout, IReadOnlyList<string> siteNames)
    {
        var coordinator = Path.Combine(layout.CoordinatorDirectory, KitLayout.CertificateFile);
        if (!File.Exists(coordinator) || !Directory.Exists(layout.Admin(AdminName))) return false;
        if (siteNames.Any(s => !File.Exists(Path.Combine(layout.Site(s), KitLayout.SiteConfigFile)))) return false;
        try
        {
            using var certificate = PemFiles.ReadCertificate(coordinator);
            return certificate.NotAfter.ToUniversalTime() > DateTime.UtcNow.AddDays(1);
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }
}
