using FedTransfer.Models.Training;
using Spectre.Console;

namespace FedTransfer.Cli.Demo;

/// <summary>
/// The demo's inputs, shared by <c>fedtransfer demo</c> and <c>fedtransfer demo prepare</c> (which a docker compose
/// one-shot service runs): the pretrained backbone, made once and then cached, and each site's data folder.
/// </summary>
internal static class DemoPreparation
{
    /// <summary>The backbone in <paramref name="directory"/>, pretrained there first when it is not cached.</summary>
    public static async Task<BackboneFiles> EnsureBackboneAsync(string directory, CancellationToken ct)
    {
        var files = new BackboneFiles(Path.GetFullPath(directory));
        if (File.Exists(files.WeightsPath) && File.Exists(files.ConfigPath))
            return files;
        AnsiConsole.MarkupLine($"No backbone in {Markup.Escape(files.Directory)}: pretraining one on classes 0-4.");
        var exit = await FedTransferCommand.Build().Parse(["pretrain", "--out", files.Directory]).InvokeAsync(cancellationToken: ct);
        if (exit != 0)
            throw new InvalidOperationException($"pretraining failed (exit code {exit}); run `fedtransfer pretrain --out {files.Directory}` to see why.");
        return files;
    }

    /// <summary>
    /// Writes <c>{out}/backbone/</c> and <c>{out}/site-N/data/</c> exactly as the demo gives them to its sites (same split,
    /// same scanner shifts for the same settings), so containers can mount one folder each.
    /// </summary>
    public static async Task<int> PrepareAsync(DemoSettings settings, string outDirectory, CancellationToken ct)
    {
        var root = Path.GetFullPath(outDirectory);
        Directory.CreateDirectory(root);
        FedTransfer.Models.Engine.SetThreads(Environment.ProcessorCount);
        var backbone = await EnsureBackboneAsync(Path.Combine(root, "backbone"), ct);
        AnsiConsole.MarkupLine($"Backbone: {Markup.Escape(backbone.WeightsPath)}");
        var data = DemoData.Prepare(root, settings.Sites, settings.Alpha, settings.TrainExamples, settings.Seed);
        DemoReport.ShowSites(data);
        for (var k = 0; k < data.SiteNames.Count; k++)
            AnsiConsole.MarkupLine($"{Markup.Escape(data.SiteNames[k])}: {Markup.Escape(data.SiteDirectories[k])}");
        return 0;
    }
}
