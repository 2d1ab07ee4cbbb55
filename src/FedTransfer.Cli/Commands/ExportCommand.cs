using System.CommandLine;
using FedTransfer.Cli.Admin;
using FedTransfer.Contracts.V1;
using Spectre.Console;

namespace FedTransfer.Cli.Commands;

/// <summary><c>fedtransfer export</c>: downloads a run's adapter, or the backbone with the adapter merged in, as safetensors.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "Run id.", Required = true };
        var round = new Option<int>("--round") { Description = "Round whose global adapter to export (0 = the latest).", DefaultValueFactory = _ => 0 };
        var merged = new Option<bool>("--merged") { Description = "Export the backbone with the adapter merged in, instead of the adapter alone." };
        var output = new Option<string>("--out") { Description = "Output file (.safetensors).", Required = true };
        var command = new Command("export", "Export a run's adapter (or merged model) as safetensors.") { run, round, merged, output };
        CoordinatorConnection.AddOptions(command);
        command.SetAction((result, ct) => CommandRunner.RunAsync(async ct =>
        {
            using var admin = AdminClient.Connect(CoordinatorConnection.From(result));
            var artifact = await admin.ExportAsync(new ExportModelRequest
            {
                RunId = result.GetValue(run)!,
                Round = result.GetValue(round),
                Kind = result.GetValue(merged) ? ExportKind.Merged : ExportKind.Adapter,
            }, ct);
            var path = Path.GetFullPath(result.GetValue(output)!);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await admin.DownloadAsync(artifact.Digest, path, ct);
            AnsiConsole.MarkupLine($"Wrote {Markup.Escape(path)} ({Format.Bytes(artifact.SizeBytes)}, sha256 {artifact.Digest}).");
            return 0;
        }, ct));
        return command;
    }
}
