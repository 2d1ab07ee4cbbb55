using System.Globalization;
using System.Text;
using FedTransfer.Federation.Privacy;

namespace FedTransfer.Cli.Experiment;

/// <summary>
/// The central DP section of BENCHMARKS.md: federated LoRA without DP beside DP-FedAvg at each ε, the sizes it was
/// measured at, and <c>dp_eps3_accuracy_drop_pts</c>. The section sits between two markers, so the learning table
/// (which rewrites the rest of the file) and this experiment each keep the other's part.
/// </summary>
internal static class CentralDpBenchmarks
{
    public const string Begin = "<!-- central-dp: written by `fedtransfer experiment --central-dp-epsilons` -->";
    public const string End = "<!-- /central-dp -->";

    /// <summary>accuracy(no DP) − accuracy(ε 3), in points; NaN when either row is missing.</summary>
    public static double DropAtEpsilon3(IReadOnlyList<TableRow> rows)
    {
        var none = rows.FirstOrDefault(r => r.Method.CentralDpEpsilon is null && r.Unavailable is null);
        var three = rows.FirstOrDefault(r => r.Method.CentralDpEpsilon is 3.0 && r.Unavailable is null);
        return none is null || three is null ? double.NaN : (none.Accuracy.Mean - three.Accuracy.Mean) * 100;
    }

    /// <summary>The closing key=value lines.</summary>
    public static IEnumerable<string> Lines(IReadOnlyList<TableRow> rows)
    {
        foreach (var row in rows.Where(r => r.Unavailable is null))
            yield return FormattableString.Invariant($"dp_accuracy_{(row.Method.CentralDpEpsilon is { } e ? $"eps{e:0.###}" : "none")}={row.Accuracy.Mean * 100:F2}");
        var drop = DropAtEpsilon3(rows);
        yield return "dp_eps3_accuracy_drop_pts=" + (double.IsFinite(drop) ? drop.ToString("F2", CultureInfo.InvariantCulture) : "nan");
    }

    public static string Render(ExperimentSettings s, ExperimentOutcome outcome, MachineInfo machine, string command)
    {
        var q = FederatedSimulation.SamplingRate(s.Fraction, s.Sites);
        var md = new StringBuilder();
        md.AppendLine(Begin).AppendLine("## Central differential privacy (DP-FedAvg)").AppendLine();
        md.AppendLine("```").AppendLine(command).AppendLine("```").AppendLine();
        md.AppendLine(FormattableString.Invariant($"`./build.sh bench privacy-dp` (`bench/privacy-dp.sh`). {machine.Cores} cores, {machine.CpuModel}; started {machine.StartedUtc:yyyy-MM-dd HH:mm} UTC, took {outcome.Elapsed.TotalMinutes:F1} min.")).AppendLine();
        md.AppendLine(FormattableString.Invariant($"- sizes: {s.Sites} sites, {s.TrainExamples} training images shared out (Dirichlet alpha {string.Join(", ", s.Alphas)}), {s.TestExamples} test images; {s.Rounds} rounds x {s.LocalEpochs} local epoch(s), batch {s.BatchSize}, rate {s.LearningRate:G}; seeds {string.Join(", ", s.Seeds)}"));
        md.AppendLine(FormattableString.Invariant($"- each round samples {s.Fraction:0.###} of the sites (q = {q:0.###}, {Math.Round(q * s.Sites)} sites); LoRA `{s.LoraSpec},agg=frozen-a`; server: {s.Strategy}"));
        md.AppendLine(FormattableString.Invariant($"- DP rows: each site's delta clipped to L2 norm {s.CentralDpClip:G}, summed with weight 1, N(0, (z·C)²) added to the sum, divided by the sites sampled; z is the smallest that keeps {s.Rounds} rounds at q within the row's epsilon at delta {s.CentralDpDelta.ToString("0.#####e0", CultureInfo.InvariantCulture)} (RDP accountant, improved conversion)"));
        md.AppendLine("- the no-DP row is the same federation with FedAvg weighted by examples, no clipping and no noise; the DP rows weigh every sampled site equally (DP-FedAvg)");
        md.AppendLine().AppendLine("| alpha | method | noise multiplier z | test accuracy | rounds to 95 % |").AppendLine("|---|---|---|---|---|");
        foreach (var row in outcome.Rows)
        {
            var alpha = row.Alpha.ToString("0.###", CultureInfo.InvariantCulture);
            var z = row.Method.CentralDpEpsilon is { } e ? NoiseCalibration.MultiplierFor(e, s.CentralDpDelta, q, s.Rounds).ToString("F3", CultureInfo.InvariantCulture) : "—";
            md.AppendLine(row.Unavailable is not null
                ? $"| {alpha} | {row.Method.Name} | {z} | not run: {row.Unavailable} | |"
                : FormattableString.Invariant($"| {alpha} | {row.Method.Name} | {z} | {row.Accuracy.Mean * 100:F1} ± {row.Accuracy.Std * 100:F1} % | {row.RoundsTo95:F1} |"));
        }
        md.AppendLine().AppendLine("```");
        foreach (var line in Lines(outcome.Rows)) md.AppendLine(line);
        md.AppendLine("```").AppendLine();
        md.AppendLine("- What the epsilon says: the released global adapters (every round's) are (epsilon, delta)-DP with respect to adding or removing one site's whole contribution, " +
                      "assuming the sites are sampled as accounted (fixed-size sampling accounted as Poisson at rate q, as DP-FedAvg's analysis does). The clip (the default of " +
                      "--central-dp-clip) was set from a short non-private pilot at these sizes (median site delta norm about 1.0), whose privacy cost is not accounted; it was not tuned on these rows. " +
                      "The noise in this in-process experiment is seeded (reproducible); the coordinator draws it from the OS CSPRNG.");
        md.AppendLine("- Why the drop is large: DP-FedAvg's noise on the mean is z·C / (sites per round) per coordinate, while a clipped delta spreads norm C over every trainable parameter; " +
                      "with ten or so sites per round the noise dominates, which is why DP-FedAvg is used with thousands of clients per round. These rows measure that cost at this small size.");
        md.AppendLine(End);
        return md.ToString();
    }

    /// <summary><paramref name="existing"/> with its central DP section replaced by <paramref name="section"/> (appended when it has none).</summary>
    public static string Merge(string existing, string section)
    {
        var start = existing.IndexOf(Begin, StringComparison.Ordinal);
        var end = existing.IndexOf(End, StringComparison.Ordinal);
        if (start < 0 || end < start) return existing.TrimEnd() + Environment.NewLine + Environment.NewLine + section;
        return existing[..start] + section.TrimEnd() + existing[(end + End.Length)..];
    }

    /// <summary>The central DP section of <paramref name="text"/>, or "" when it has none.</summary>
    public static string SectionOf(string text)
    {
        var start = text.IndexOf(Begin, StringComparison.Ordinal);
        var end = text.IndexOf(End, StringComparison.Ordinal);
        return start < 0 || end < start ? "" : text[start..(end + End.Length)] + Environment.NewLine;
    }
}
