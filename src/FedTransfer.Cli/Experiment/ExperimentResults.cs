using FedTransfer.Federation.Updates;

namespace FedTransfer.Cli.Experiment;

/// <summary>One finished run: a method in one (alpha, seed) cell; for "each site alone" one run per site.</summary>
internal sealed record RunRecord(ExperimentMethod Method, double Alpha, ulong Seed, int? SiteIndex, RunOutcome Outcome);

/// <summary>A method that could not run in this build (e.g. a LoRA aggregation mode not available), with why.</summary>
internal sealed record UnavailableMethod(ExperimentMethod Method, string Reason);

/// <summary>One row of the table: a method at one alpha, summarised over seeds (and, for site-alone, over sites).</summary>
/// <param name="Accuracy">Final test accuracy over seeds; for site-alone each seed contributes the mean over its sites.</param>
/// <param name="UploadBytes">Mean bytes one site sends up in one round (0 where nothing is sent).</param>
/// <param name="RoundsTo95">Mean over runs of the first round reaching 95 % of that run's final accuracy.</param>
internal sealed record TableRow(ExperimentMethod Method, double Alpha, MeanStd Accuracy, double UploadBytes, double RoundsTo95,
    long TrainableParameters, string? Unavailable);

/// <summary>Turns run records into table rows and the two headline figures.</summary>
internal static class ExperimentResults
{
    public static IReadOnlyList<TableRow> Rows(IReadOnlyList<ExperimentMethod> methods, IReadOnlyList<double> alphas,
        IReadOnlyList<RunRecord> runs, IReadOnlyList<UnavailableMethod> unavailable)
    {
        var rows = new List<TableRow>();
        foreach (var alpha in alphas)
            foreach (var method in methods)
            {
                var missing = unavailable.FirstOrDefault(u => u.Method == method);
                var mine = runs.Where(r => r.Method == method && r.Alpha.Equals(alpha)).ToList();
                if (missing is not null || mine.Count == 0)
                {
                    rows.Add(new TableRow(method, alpha, new MeanStd(double.NaN, double.NaN, 0), double.NaN, double.NaN, 0, missing?.Reason ?? "no run finished"));
                    continue;
                }
                // Seeds are the replicates; a site-alone seed is summarised by the mean of its sites first.
                var perSeed = mine.GroupBy(r => r.Seed).Select(g => g.Average(r => r.Outcome.FinalAccuracy)).ToList();
                var upload = method.Kind == MethodKind.Federated ? mine.Average(r => r.Outcome.MeanUploadBytes) : 0;
                rows.Add(new TableRow(method, alpha, MeanStd.Of(perSeed), upload, mine.Average(r => r.Outcome.RoundsTo95),
                    mine[0].Outcome.TrainableParameters, null));
            }
        return rows;
    }

    /// <summary>Centralised minus the best federated LoRA row at <paramref name="alpha"/>, in accuracy points; NaN when either is missing.</summary>
    public static double GapToCentralPoints(IReadOnlyList<TableRow> rows, double alpha)
    {
        var central = rows.FirstOrDefault(r => r.Method.Kind == MethodKind.Centralised && r.Alpha.Equals(alpha) && r.Unavailable is null);
        var best = BestFederatedLora(rows, alpha);
        return central is null || best is null ? double.NaN : (central.Accuracy.Mean - best.Accuracy.Mean) * 100;
    }

    /// <summary>The float32 federated LoRA row with the highest mean accuracy at <paramref name="alpha"/>.</summary>
    public static TableRow? BestFederatedLora(IReadOnlyList<TableRow> rows, double alpha) =>
        rows.Where(r => r.Method.IsFederatedLora && r.Method.Encoding == DeltaEncoding.Float32 && r.Alpha.Equals(alpha) && r.Unavailable is null)
            .OrderByDescending(r => r.Accuracy.Mean).FirstOrDefault();
}
