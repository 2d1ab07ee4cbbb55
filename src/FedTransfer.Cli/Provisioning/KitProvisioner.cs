using System.Security.Cryptography.X509Certificates;
using FedTransfer.Federation.Identity;

namespace FedTransfer.Cli.Provisioning;

/// <summary>What to provision: names are checked with <see cref="ParticipantName"/>.</summary>
internal sealed record ProvisionRequest(
    string OutDirectory, IReadOnlyList<string> CoordinatorHosts, IReadOnlyList<string> Sites, IReadOnlyList<string> Admins,
    int Days = 365, int Port = 7443, bool Force = false, string? Listen = null, IReadOnlyList<string>? Auditors = null)
{
    /// <summary>Auditors (read-only Admin calls); none unless asked for.</summary>
    public IReadOnlyList<string> AuditorNames => Auditors ?? [];
}

/// <summary>
/// Creates a federation's certificate authority and one startup kit per participant (coordinator, each site, each admin):
/// certificate, private key (0600), the CA certificate and, for the coordinator and sites, a ready settings file.
/// Writes into a fresh folder; an existing kit is replaced only with <see cref="ProvisionRequest.Force"/>.
/// </summary>
internal static class KitProvisioner
{
    /// <summary>Writes the kits and returns the layout.</summary>
    /// <exception cref="ArgumentException">Bad names, hosts, days or port; the message names the value.</exception>
    /// <exception cref="IOException">The output folder already holds a kit and <see cref="ProvisionRequest.Force"/> is off.</exception>
    public static KitLayout Provision(ProvisionRequest request, DateTimeOffset now)
    {
        Validate(request);
        var listenHost = KitListenAddress.Resolve(request.Listen, request.CoordinatorHosts);
        var layout = new KitLayout(Path.GetFullPath(request.OutDirectory));
        PrepareFolder(layout, request.Force);

        var notBefore = now.AddMinutes(-5); // tolerate small clock differences between machines
        var notAfter = now.AddDays(request.Days);
        using var ca = CertificateIssuer.CreateAuthority("fedtransfer-ca", notBefore, notAfter);
        Directory.CreateDirectory(layout.CaDirectory);
        PemFiles.WriteCertificate(layout.CaCertificate, ca);
        PemFiles.WritePrivateKey(layout.CaKey, ca);

        using (var coordinator = CertificateIssuer.Issue(ca, "coordinator", ParticipantRole.Coordinator, notBefore, notAfter, request.CoordinatorHosts))
        {
            WriteKit(layout.CoordinatorDirectory, coordinator, ca, KitLayout.CoordinatorConfigFile, KitConfigFiles.Coordinator(listenHost, request.Port));
        }
        foreach (var site in request.Sites)
        {
            using var certificate = CertificateIssuer.Issue(ca, site, ParticipantRole.Site, notBefore, notAfter);
            WriteKit(layout.Site(site), certificate, ca, KitLayout.SiteConfigFile, KitConfigFiles.Site(site, request.CoordinatorHosts[0], request.Port));
        }
        foreach (var admin in request.Admins)
        {
            using var certificate = CertificateIssuer.Issue(ca, admin, ParticipantRole.Admin, notBefore, notAfter);
            WriteKit(layout.Admin(admin), certificate, ca, null, null);
        }
        foreach (var auditor in request.AuditorNames)
        {
            using var certificate = CertificateIssuer.Issue(ca, auditor, ParticipantRole.Auditor, notBefore, notAfter);
            WriteKit(layout.Auditor(auditor), certificate, ca, null, null);
        }
        return layout;
    }

    private static void Validate(ProvisionRequest request)
    {
        if (request.CoordinatorHosts.Count == 0)
            throw new ArgumentException("--coordinator-host needs at least one DNS name or IP address the sites will dial, e.g. coord.example.org");
        if (request.Sites.Count == 0) throw new ArgumentException("--sites needs at least one site name, e.g. --sites clinic-a,clinic-b");
        foreach (var site in request.Sites) ParticipantName.Require(site, "site");
        foreach (var admin in request.Admins) ParticipantName.Require(admin, "admin");
        foreach (var auditor in request.AuditorNames) ParticipantName.Require(auditor, "auditor");
        var duplicate = request.Sites.GroupBy(s => s, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1)
            ?? request.Admins.Concat(request.AuditorNames).GroupBy(a => a, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"'{duplicate.Key}' is listed twice; each site and admin needs its own name");
        if (request.Days is < 1 or > 3650) throw new ArgumentException($"--days must be between 1 and 3650, got {request.Days}");
        if (request.Port is < 1 or > 65535) throw new ArgumentException($"--port must be between 1 and 65535, got {request.Port}");
    }

    private static void PrepareFolder(KitLayout layout, bool force)
    {
        var existing = KitLayout.Folders.Select(f => Path.Combine(layout.Root, f)).Where(Directory.Exists).ToArray();
        if (existing.Length > 0 && !force)
            throw new IOException($"'{layout.Root}' already holds a startup kit ({Path.GetFileName(existing[0])}/); " +
                                  "choose another --out, or pass --force to replace it (the old CA and keys are deleted)");
        foreach (var folder in existing) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(layout.Root);
    }

    private static void WriteKit(string folder, X509Certificate2 certificate, X509Certificate2 ca, string? configName, string? config)
    {
        Directory.CreateDirectory(folder);
        PemFiles.WriteCertificate(Path.Combine(folder, KitLayout.CertificateFile), certificate);
        PemFiles.WritePrivateKey(Path.Combine(folder, KitLayout.KeyFile), certificate);
        PemFiles.WriteCertificate(Path.Combine(folder, KitLayout.CaFile), ca);
        if (configName is not null) File.WriteAllText(Path.Combine(folder, configName), config);
    }
}
