using System.CommandLine;
using FedTransfer.Coordinator;

namespace FedTransfer.Cli.Commands;

/// <summary>
/// <c>fedtransfer coordinator [--Coordinator:Setting=value ...]</c>: runs the coordinator until Ctrl+C. Settings come from
/// coordinator.appsettings.json beside the binary (documented there), appsettings.json in the working directory,
/// FEDTRANSFER_ environment variables and these arguments.
/// </summary>
internal static class CoordinatorCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config")
        {
            Description = "JSON settings file with a \"Coordinator\" section, e.g. a startup kit's coordinator.appsettings.json (its certificate paths are relative to its folder).",
        };
        var command = new Command("coordinator",
            "Run the coordinator (gRPC Federation + Admin services). Override settings as --Coordinator:Listener:Url=http://0.0.0.0:7070, see coordinator.appsettings.json")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.Options.Add(config);
        command.SetAction(async (ParseResult result, CancellationToken ct) =>
        {
            try
            {
                await CoordinatorHost.RunAsync([.. result.UnmatchedTokens], ct, result.GetValue(config)).ConfigureAwait(false);
                return 0;
            }
            catch (Microsoft.Extensions.Options.OptionsValidationException e)
            {
                await Console.Error.WriteLineAsync($"fedtransfer coordinator: invalid settings: {string.Join("; ", e.Failures)}").ConfigureAwait(false);
                return 2;
            }
            catch (Exception e) when (e is FileNotFoundException or InvalidOperationException or InvalidDataException or ArgumentException)
            {
                await Console.Error.WriteLineAsync($"fedtransfer coordinator: {StartupErrors.Describe(e)}").ConfigureAwait(false);
                return 2;
            }
            catch (ListenerUnavailableException e)
            {
                await Console.Error.WriteLineAsync($"fedtransfer coordinator: {e.Message}").ConfigureAwait(false);
                return 1;
            }
            catch (IOException e)
            {
                await Console.Error.WriteLineAsync($"fedtransfer coordinator: {e.Message} (is another coordinator using the port or the data directory?)").ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }
}
