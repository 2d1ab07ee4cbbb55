using System.Globalization;

namespace FedTransfer.Cli.Experiment;

/// <summary>
/// The two figures the experiment ends with: the accuracy gap between centralised and the best federated LoRA at
/// alpha 1.0 (float32 rows), and the share of the backbone's size that row's site sends up per round; before them, the
/// share for every federated LoRA row (the int8 row included).
/// </summary>
internal sealed record Headline(double GapPoints, string? BestLoraName, double UploadFraction, IReadOnlyList<(string Key, double Value)> PerModeFractions)
{
    public const double GapAlpha = 1.0;

    public static Headline From(IReadOnlyList<TableRow> rows, long backboneBytes)
    {
        var best = ExperimentResults.BestFederatedLora(rows, GapAlpha);
        var perMode = rows.Where(r => r.Method.IsFederatedLora && r.Alpha.Equals(GapAlpha) && r.Unavailable is null)
            .Select(r => ($"lora_upload_fraction_{r.Method.Key.Replace('-', '_')}", r.UploadBytes / backboneBytes)).ToList();
        return new Headline(ExperimentResults.GapToCentralPoints(rows, GapAlpha), best?.Method.Name,
            best is null ? double.NaN : best.UploadBytes / backboneBytes, perMode);
    }

    /// <summary>The closing key=value lines; the last two are the headline figures.</summary>
    public IEnumerable<string> Lines()
    {
        foreach (var (key, value) in PerModeFractions)
            yield return $"{key}={Format(value, "F4")}";
        yield return $"fed_lora_gap_to_central_pts={Format(GapPoints, "F2")}";
        yield return $"lora_upload_fraction={Format(UploadFraction, "F4")}";
    }

    private static string Format(double value, string format) =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "nan";
}
