using FedTransfer.Torch.Training;
using Spectre.Console;

namespace FedTransfer.Cli.Experiment;

/// <summary>The demo's pretrained backbone (classes 0-4), reused when it is already there, pretrained once otherwise.</summary>
internal static class BackboneCache
{
    public static async Task<BackboneFiles> EnsureAsync(string directory, CancellationToken ct)
    {
        var files = new BackboneFiles(Path.GetFullPath(directory));
        if (File.Exists(files.WeightsPath) && File.Exists(files.ConfigPath))
            return files;
        AnsiConsole.MarkupLine($"No backbone in {Markup.Escape(files.Directory)}: pretraining one on classes 0-4 (as the demo does).");
        var exit = await FedTransferCommand.Build().Parse(["pretrain", "--out", files.Directory]).InvokeAsync(cancellationToken: ct);
        if (exit != 0)
            throw new InvalidOperationException($"pretraining failed (exit code {exit}); run `fedtransfer pretrain --out {files.Directory}` to see why.");
        return files;
    }
}
