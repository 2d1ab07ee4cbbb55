using System.CommandLine;
using FedTransfer.Cli.Provisioning;
using FedTransfer.Federation.Identity;
using Spectre.Console;

namespace FedTransfer.Cli.Commands;

/// <summary>
/// <c>fedtransfer revoke --kit DIR --name NAME</c>: adds a site's or admin's certificate to the federation's revocation
/// list (<c>coordinator/revoked.crl.pem</c> in the kit, signed with the CA key), which the coordinator's kit settings name
/// and the coordinator re-reads within a second: that certificate is refused from then on.
/// </summary>
internal static class RevokeCommand
{
    public static Command Create()
    {
        var kit = new Option<string>("--kit") { Description = "The folder `fedtransfer provision --out` wrote (holds ca/ and coordinator/).", Required = true };
        var name = new Option<string>("--name") { Description = "The site or admin whose certificate is revoked.", Required = true };
        var days = new Option<int>("--days") { Description = "Until when the list says it is current, in days (1..3650).", DefaultValueFactory = _ => 365 };
        var command = new Command("revoke", "Revoke a site's or admin's certificate: the coordinator refuses it from then on (UNAUTHENTICATED, logged).") { kit, name, days };
        command.SetAction((result, ct) => CommandRunner.RunAsync(_ =>
        {
            var layout = new KitLayout(result.GetValue(kit)!);
            var who = result.GetValue(name)!;
            var validity = result.GetValue(days);
            if (validity is < 1 or > 3650) throw new ArgumentException($"--days {validity} is outside 1..3650");
            var (certificatePath, role) = CertificateOf(layout, who);
            using var authority = PemFiles.ReadCertificateWithKey(layout.CaCertificate, layout.CaKey);
            using var revoked = PemFiles.ReadCertificate(certificatePath);
            var previous = File.Exists(layout.RevocationList) ? File.ReadAllBytes(layout.RevocationList) : null;
            var list = RevocationList.Build(authority, previous, revoked, DateTimeOffset.UtcNow, TimeSpan.FromDays(validity));
            var temporary = layout.RevocationList + ".tmp";
            File.WriteAllText(temporary, System.Security.Cryptography.PemEncoding.WriteString("X509 CRL", list) + "\n");
            File.Move(temporary, layout.RevocationList, overwrite: true);
            var count = RevocationList.Parse(list, authority).Count;
            AnsiConsole.WriteLine($"revoked the {role} certificate of '{who}' (serial {revoked.SerialNumber}); {layout.RevocationList} now lists {count} " +
                              "certificate(s). A coordinator running from this kit refuses it within a second; copy the file to a coordinator that runs elsewhere.");
            return 0;
        }, ct));
        return command;
    }

    private static (string Path, string Role) CertificateOf(KitLayout layout, string name)
    {
        var found = new[] { (layout.Site(name), "site"), (layout.Admin(name), "admin"), (layout.Auditor(name), "auditor") }
            .Select(c => (Path: Path.Combine(c.Item1, KitLayout.CertificateFile), Role: c.Item2))
            .Where(c => File.Exists(c.Path)).ToArray();
        return found.Length switch
        {
            1 => found[0],
            0 => throw new ArgumentException($"--name '{name}' is neither a site (sites/{name}/) nor an admin (admins/{name}/) nor an auditor (auditors/{name}/) in {Path.GetFullPath(layout.Root)}"),
            _ => throw new ArgumentException($"--name '{name}' names more than one participant in {layout.Root} ({string.Join(", ", found.Select(f => f.Role))}); revoke by moving the others aside first"),
        };
    }
}
