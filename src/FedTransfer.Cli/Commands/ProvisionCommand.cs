using System.CommandLine;
using FedTransfer.Cli.Provisioning;
using Spectre.Console;

namespace FedTransfer.Cli.Commands;

/// <summary>
/// <c>fedtransfer provision --out DIR --coordinator-host HOST[,HOST...] --sites a,b,c --admins admin [--days 365]</c>:
/// a certificate authority and one startup kit per participant (see <see cref="KitLayout"/>).
/// </summary>
internal static class ProvisionCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Folder to write the kits into (refused when it already holds one, unless --force).", Required = true };
        var hosts = new Option<string>("--coordinator-host") { Description = "DNS names or IP addresses of the coordinator, comma-separated; the first is what sites dial. localhost and 127.0.0.1 are always included.", Required = true };
        var sites = new Option<string>("--sites") { Description = "Site names, comma-separated (letters, digits, '.', '_', '-'); each becomes the site's identity (certificate CN).", Required = true };
        var admins = new Option<string>("--admins") { Description = "Admin names, comma-separated.", DefaultValueFactory = _ => "admin" };
        var auditors = new Option<string>("--auditors") { Description = "Auditor names, comma-separated (read-only status and run watching; none by default).", DefaultValueFactory = _ => "" };
        var days = new Option<int>("--days") { Description = "Validity of the CA and every certificate, in days (1..3650).", DefaultValueFactory = _ => 365 };
        var port = new Option<int>("--port") { Description = "Port the coordinator listens on (TLS) and sites dial.", DefaultValueFactory = _ => 7443 };
        var listen = new Option<string?>("--listen") { Description = "IP address the coordinator binds (default: the first IP address in --coordinator-host); 0.0.0.0 listens on all interfaces." };
        var force = new Option<bool>("--force") { Description = "Replace an existing kit in --out (its CA and keys are deleted)." };
        var command = new Command("provision", "Create the federation's certificate authority and a startup kit (certificate, key, CA, settings) for the coordinator, each site and each admin.")
        {
            output, hosts, sites, admins, auditors, days, port, listen, force,
        };
        command.SetAction((result, ct) => CommandRunner.RunAsync(_ =>
        {
            var request = new ProvisionRequest(result.GetValue(output)!, List(result.GetValue(hosts)), List(result.GetValue(sites)),
                List(result.GetValue(admins)), result.GetValue(days), result.GetValue(port), result.GetValue(force), result.GetValue(listen),
                List(result.GetValue(auditors)));
            var layout = KitProvisioner.Provision(request, DateTimeOffset.UtcNow);
            Report(layout, request);
            return 0;
        }, ct));
        return command;
    }

    private static IReadOnlyList<string> List(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static void Report(KitLayout layout, ProvisionRequest request)
    {
        var table = new Table().Title($"Startup kits in {Markup.Escape(layout.Root)}").AddColumns("who", "role", "folder", "run with");
        table.AddRow("fedtransfer-ca", "ca", "ca/", "[yellow]keep ca.key.pem offline; it issues every certificate[/]");
        table.AddRow("coordinator", "coordinator", "coordinator/", Markup.Escape($"fedtransfer coordinator --config coordinator/{KitLayout.CoordinatorConfigFile}"));
        foreach (var site in request.Sites)
            table.AddRow(Markup.Escape(site), "site", Markup.Escape($"sites/{site}/"), Markup.Escape($"fedtransfer site --config sites/{site}/{KitLayout.SiteConfigFile} --data <folder>"));
        foreach (var auditor in request.AuditorNames)
            table.AddRow(Markup.Escape(auditor), "auditor", Markup.Escape($"auditors/{auditor}/"), Markup.Escape($"fedtransfer status --coordinator https://{request.CoordinatorHosts[0]}:{request.Port} --kit auditors/{auditor}"));
        foreach (var admin in request.Admins)
            table.AddRow(Markup.Escape(admin), "admin", Markup.Escape($"admins/{admin}/"), Markup.Escape($"fedtransfer status --coordinator https://{request.CoordinatorHosts[0]}:{request.Port} --kit admins/{admin}"));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"Certificates valid for {request.Days} days; private keys are readable by their owner only. Hand each participant only its own folder.");
    }
}
