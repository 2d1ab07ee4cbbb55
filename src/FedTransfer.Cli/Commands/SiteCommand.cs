using System.CommandLine;
using FedTransfer.Site;
using FedTransfer.Site.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FedTransfer.Cli.Commands;

/// <summary>
/// <c>fedtransfer site</c>: runs a site service until stopped (Ctrl+C, SIGTERM, or a stop instruction from the
/// coordinator). Any setting can also be given as <c>--Site:Key=value</c>, e.g. <c>--Site:ValidationFraction=0.1</c>.
/// </summary>
internal static class SiteCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "JSON settings file with a \"Site\" section (see site.appsettings.json beside the executable)." };
        var coordinator = new Option<string?>("--coordinator") { Description = "Coordinator URL (Site:CoordinatorUrl)." };
        var name = new Option<string?>("--name") { Description = "Display name of this site (Site:DisplayName)." };
        var data = new Option<string?>("--data") { Description = "Folder with this site's IDX or CSV data (Site:DataDirectory)." };
        var device = new Option<string?>("--device") { Description = "cpu, cuda, cuda:N or auto (Site:Device)." };
        var cache = new Option<string?>("--cache") { Description = "Folder for fetched artifacts and receipts (Site:CacheDirectory)." };
        var command = new Command("site", "Run a site: join the coordinator, fine-tune adapters on local data, send only adapter deltas.")
        {
            config, coordinator, name, data, device, cache,
        };
        // Unmatched tokens are configuration overrides (--Site:Key=value), handed to the host's configuration.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (result, ct) =>
        {
            var overrides = result.UnmatchedTokens.ToList();
            void Set(Option<string?> option, string key)
            {
                if (result.GetValue(option) is { Length: > 0 } value) overrides.Add($"--Site:{key}={value}");
            }
            Set(coordinator, "CoordinatorUrl");
            Set(name, "DisplayName");
            Set(data, "DataDirectory");
            Set(device, "Device");
            Set(cache, "CacheDirectory");
            return await RunAsync(overrides, result.GetValue(config), result.InvocationConfiguration.Error, ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(IReadOnlyList<string> overrides, string? configFile, TextWriter error, CancellationToken ct)
    {
        try
        {
            using var host = SiteHost.Build(overrides, configFile);
            // Failing before the host starts keeps a bad setting or a damaged ledger to one clear line, without a hosting stack trace.
            SiteHost.OpenBeforeStart(host);
            await host.RunAsync(ct);
            return Environment.ExitCode;
        }
        catch (OptionsValidationException e)
        {
            foreach (var failure in e.Failures)
                error.WriteLine($"fedtransfer site: {failure}");
            return 2;
        }
        catch (Exception e) when (e is FileNotFoundException or FormatException or InvalidOperationException or InvalidDataException
            or Federation.Ledger.LedgerCorruptException)
        {
            error.WriteLine($"fedtransfer site: {StartupErrors.Describe(e)}");
            return 2;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return 0;
        }
    }
}
