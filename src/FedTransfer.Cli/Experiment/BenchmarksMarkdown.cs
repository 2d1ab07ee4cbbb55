using System.Globalization;
using System.Text;

namespace FedTransfer.Cli.Experiment;

/// <summary>Renders BENCHMARKS.md: what was run, on what, the table, the headline figures and what they do and do not say.</summary>
internal static class BenchmarksMarkdown
{
    public static string Render(ExperimentSettings s, ExperimentOutcome outcome, Headline headline, MachineInfo machine, string command)
    {
        var md = new StringBuilder();
        md.AppendLine("# Learning benchmarks: federated transfer vs centralised and local training").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Written by `fedtransfer experiment`{(s.Quick ? " **in --quick mode (smoke-test sizes; not the reference figures)**" : "")}.").AppendLine();
        md.AppendLine("## Reproduce").AppendLine();
        md.AppendLine("```").AppendLine(command).AppendLine("```").AppendLine();
        md.AppendLine("`./build.sh bench learning` (`bench/learning.sh`) runs `fedtransfer experiment` with its default settings (`fedtransfer experiment --help` lists them); this run's settings are below.").AppendLine();
        md.AppendLine("## Machine").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- {machine.Cores} cores, {machine.CpuModel}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- started {machine.StartedUtc:yyyy-MM-dd HH:mm} UTC, took {outcome.Elapsed.TotalMinutes:F1} min");
        md.AppendLine(CultureInfo.InvariantCulture, $"- {s.EffectiveParallelism} run(s) at a time, one engine thread each").AppendLine();
        AppendSettings(md, s, outcome);
        AppendTable(md, s, outcome);
        md.AppendLine("## Headline").AppendLine();
        md.AppendLine("```");
        foreach (var line in headline.Lines()) md.AppendLine(line);
        md.AppendLine("```").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- gap: centralised LoRA minus the best federated LoRA row at alpha {Headline.GapAlpha:0.0} ({headline.BestLoraName ?? "none"}), in accuracy points; target at most 1.0.");
        md.AppendLine(CultureInfo.InvariantCulture, $"- upload fraction: that row's float32 payload per site per round / the backbone file ({outcome.BackboneBytes:N0} bytes); target at most 0.02.").AppendLine();
        AppendNotes(md, s, outcome, headline);
        return md.ToString();
    }

    private static void AppendSettings(StringBuilder md, ExperimentSettings s, ExperimentOutcome outcome)
    {
        md.AppendLine("## Settings").AppendLine();
        md.AppendLine("- task: the demo's. Backbone: the demo's ViT (28x28, patch 7, dim 64, depth 4) pretrained on Fashion-MNIST classes 0-4; " +
                      "target: classes 5-9, split over the sites by a Dirichlet draw over classes, each site's images through its own scanner shift (low contrast, noise, blur in turn).");
        md.AppendLine(CultureInfo.InvariantCulture, $"- {s.Sites} sites; alpha {string.Join(", ", s.Alphas.Select(a => a.ToString("0.###", CultureInfo.InvariantCulture)))}; seeds {string.Join(", ", s.Seeds)} (a seed sets the data split, shifts, initial adapter and shuffles)");
        md.AppendLine(CultureInfo.InvariantCulture, $"- {s.TrainExamples} training images shared out; each participant keeps {s.ValidationFraction:P0} of its images aside as the site's own validation split and trains on the rest");
        md.AppendLine(CultureInfo.InvariantCulture, $"- test: {s.TestExamples} held-out test images of classes 5-9, drawn from every site's scanner shift");
        var rates = FormattableString.Invariant($"constant rate {s.LearningRate:G} ({s.FullLearningRate:G} for full fine-tuning)");
        md.AppendLine(FormattableString.Invariant($"- {s.Rounds} rounds x {s.LocalEpochs} local epoch(s); batch {s.BatchSize}; AdamW (no weight decay), {rates}, gradient-norm clip 1 — the site's training loop"));
        md.AppendLine(CultureInfo.InvariantCulture, $"- LoRA: `{s.LoraSpec}`; bottleneck: `{s.BottleneckSpec}`; server strategy: `{StrategyText(s)}` from the strategy registry (the coordinator's code), weights = examples");
        md.AppendLine("- equal budgets: centralised (one participant holding every site's images) and each site alone run the same rounds x epochs " +
                      "through the same loop and optimiser; the optimiser state restarts each round for them as it does for a federated site").AppendLine();
    }

    private static void AppendTable(StringBuilder md, ExperimentSettings s, ExperimentOutcome outcome)
    {
        md.AppendLine("## Results").AppendLine();
        md.AppendLine(FormattableString.Invariant($"Test accuracy: mean ± sample std over {s.Seeds.Count} seed(s) (site alone: each seed's mean over its {s.Sites} sites). ") +
                      "Bytes: the safetensors payload one site sends up in one round. Rounds to 95 %: first round whose test accuracy reached 95 % of the run's final accuracy, mean over runs.").AppendLine();
        md.AppendLine("| alpha | method | test accuracy | bytes up / site / round | share of backbone | rounds to 95 % | trainable parameters |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var row in outcome.Rows)
        {
            var alpha = row.Alpha.ToString("0.###", CultureInfo.InvariantCulture);
            if (row.Unavailable is not null)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {alpha} | {row.Method.Name} | not run: {row.Unavailable.Replace("|", "\\|")} | | | | |");
                continue;
            }
            var bytes = row.Method.Kind == MethodKind.Federated ? row.UploadBytes.ToString("N0", CultureInfo.InvariantCulture) : "— (nothing sent)";
            var share = row.Method.Kind == MethodKind.Federated ? (row.UploadBytes / outcome.BackboneBytes).ToString("P2", CultureInfo.InvariantCulture) : "—";
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {alpha} | {row.Method.Name} | {row.Accuracy.Mean * 100:F1} ± {row.Accuracy.Std * 100:F1} % | {bytes} | {share} | {row.RoundsTo95:F1} | {row.TrainableParameters:N0} |");
        }
        md.AppendLine();
    }

    private static void AppendNotes(StringBuilder md, ExperimentSettings s, ExperimentOutcome outcome, Headline headline)
    {
        md.AppendLine("## Notes").AppendLine();
        md.AppendLine(Verdict("gap at alpha 1.0", headline.GapPoints, 1.0, "points"));
        md.AppendLine(Verdict("float32 LoRA upload fraction", headline.UploadFraction, 0.02, ""));
        foreach (var (key, value) in headline.PerModeFractions.Where(f => f.Key.EndsWith("int8", StringComparison.Ordinal)))
            md.AppendLine(Verdict($"8-bit LoRA upload fraction ({key})", value, 0.005, ""));
        if (ExperimentResults.BestFederatedLora(outcome.Rows, Headline.GapAlpha) is { } best && best.RoundsTo95 >= s.Rounds - 1)
            md.AppendLine(FormattableString.Invariant($"- The best federated LoRA row at alpha {Headline.GapAlpha:0.0} reached 95 % of its final accuracy only at round {best.RoundsTo95:F1} of {s.Rounds}: ") +
                          "it was still climbing when the budget ran out, while centralised training (the same passes over the data, but every step on " +
                          "the whole pool) had converged. With equal passes, FedAvg's averaged step is worth about one site's steps, so the gap here " +
                          "measures mostly the short budget; more rounds would narrow it.");
        md.AppendLine("- What is measured: learning, not transport. Federated rounds run in one process with no network, but through the real " +
                      "code paths: the site's trainer (its data reading and split, model factory, training loop and delta), the payload serialised " +
                      "exactly as a site uploads it, the coordinator's update validator, and FedAvg from the strategy registry.");
        md.AppendLine(FormattableString.Invariant($"- The LoRA here: `{s.LoraSpec}`. The backbone is tiny (about 137k parameters), so the demo's adapter ") +
                      "(r=8 on attn.qkv and attn.proj, 12.6k parameters with the head) is 9.3 % of it. The default, rank 2 on qkv alone, keeps adapter + head + " +
                      "safetensors header under 2 % of the backbone file (frozen-a sends B only, about a quarter less); the head (325 parameters) and the " +
                      "header (tensor names, and for int8 a scale and zero point per tensor) are a fixed cost that dominates at this size, which is why " +
                      "int8 shrinks the payload by less than 4x. By arithmetic (not measured here), rank 1 would bring int8 to about 0.4 %, at a further cost in accuracy.");
        md.AppendLine("- Centralised training is one participant holding every site's images; it keeps its own random validation share like a site, " +
                      "so it trains on as many images as the federation, though not on exactly the same ones.");
        md.AppendLine("- Test images are the held-out images with each site's shift applied in floating point; the sites' training images went through " +
                      "8-bit IDX files, as a real site's would.");
        md.AppendLine(FormattableString.Invariant($"- {s.Seeds.Count} seed(s) per cell: the ± is a rough spread, not a confidence interval. Rounds and data are small so that ") +
                      "the whole table fits in a short run on two cores; accuracies are lower than longer training would reach.");
        md.AppendLine();
    }

    private static string Verdict(string what, double value, double target, string unit)
    {
        var text = double.IsFinite(value) ? value.ToString(unit.Length > 0 ? "F2" : "F4", CultureInfo.InvariantCulture) : "not measured";
        var met = double.IsFinite(value) && value <= target;
        return $"- {what}: {text}{(unit.Length > 0 ? " " + unit : "")} — target at most {target.ToString(CultureInfo.InvariantCulture)}: **{(met ? "met" : "missed")}**";
    }

    private static string StrategyText(ExperimentSettings s) =>
        s.StrategySettings.Count == 0 ? s.Strategy : s.Strategy + " " + string.Join(' ', s.StrategySettings.Select(kv => kv.Key + "=" + kv.Value));
}
