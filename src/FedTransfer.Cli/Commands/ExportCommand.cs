using System.CommandLine;
using FedTransfer.Cli.Admin;
using FedTransfer.Contracts.V1;
using FedTransfer.Federation.Export;
using FedTransfer.Weights.Serialization;
using Spectre.Console;

namespace FedTransfer.Cli.Commands;

/// <summary><c>fedtransfer export</c>: downloads a run's adapter, or the backbone with the adapter merged in, as safetensors.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "Run id.", Required = true };
        var round = new Option<int>("--round") { Description = "Round whose global adapter to export (0 = the latest).", DefaultValueFactory = _ => 0 };
        var merged = new Option<bool>("--merged") { Description = "Export one model file instead of the adapter alone: LoRA folded into the base weights (W + alpha/r * B A); bottleneck adapters, which cannot be folded, beside the backbone." };
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
            if (result.GetValue(merged))
                AnsiConsole.WriteLine(DescribeMerge(SafeTensors.ReadHeaderFile(path).Metadata));
            return 0;
        }, ct));
        return command;
    }

    /// <summary>What a merged file holds, from the coordinator's metadata: a plain model, or backbone + unfoldable adapter.</summary>
    internal static string DescribeMerge(IReadOnlyDictionary<string, string> metadata) =>
        metadata.GetValueOrDefault(MergedModel.MergeKey) switch
        {
            MergedModel.Folded => "LoRA is folded into the base weights: a plain backbone + task head with no adapter tensors; load it into the model without adapters.",
            MergedModel.NotFoldable => "Bottleneck adapters are nonlinear and cannot be folded into the base weights: the file holds the backbone and the adapter " +
                                       "tensors side by side; load it into the backbone built with the adapter spec " +
                                       $"'{metadata.GetValueOrDefault("fedtransfer.adapter_spec", "?")}'.",
            _ => "The coordinator did not say how the file was merged (an older coordinator?): it may hold unfolded adapter tensors.",
        };
}
