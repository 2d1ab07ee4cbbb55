using FedTransfer.Cli.Experiment;

namespace FedTransfer.Cli.Tests.Experiment;

public sealed class ExperimentResultsTests
{
    private static readonly ExperimentSettings Settings = new();
    private static readonly IReadOnlyList<ExperimentMethod> Methods = ExperimentMethod.All(Settings);
    private static ExperimentMethod M(string start) => Methods.First(m => m.Name.StartsWith(start, StringComparison.Ordinal));

    private static RunRecord Run(ExperimentMethod method, ulong seed, double final, double bytes = 0, int? site = null) =>
        new(method, 1.0, seed, site, new RunOutcome([final / 2, final], bytes, 100));

    [Fact]
    public void Rows_EveryMethodAtEveryAlpha_IncludingUnavailableOnes()
    {
        var unavailable = new[] { new UnavailableMethod(M("federated LoRA (exact)"), "agg=exact is not supported") };

        var rows = ExperimentResults.Rows(Methods, [0.1, 1.0], [Run(M("centralised"), 1, 0.8)], unavailable);

        Assert.Equal(Methods.Count * 2, rows.Count);
        Assert.Equal(Methods.Select(m => m.Name), rows.Where(r => r.Alpha.Equals(1.0)).Select(r => r.Method.Name));
        Assert.Equal("agg=exact is not supported", rows.Single(r => r.Alpha.Equals(1.0) && r.Method.Name.Contains("exact")).Unavailable);
        Assert.Equal("no run finished", rows.Single(r => r.Alpha.Equals(0.1) && r.Method.Kind == MethodKind.Centralised).Unavailable);
    }

    [Fact]
    public void Rows_SiteAlone_AveragesSitesWithinASeedThenSpreadsOverSeeds()
    {
        var alone = M("each site alone");
        var runs = new[] { Run(alone, 1, 0.4, site: 0), Run(alone, 1, 0.6, site: 1), Run(alone, 2, 0.7, site: 0), Run(alone, 2, 0.7, site: 1) };

        var row = ExperimentResults.Rows([alone], [1.0], runs, []).Single();

        Assert.Equal(0.6, row.Accuracy.Mean, 12); // seeds: 0.5 and 0.7
        Assert.Equal(Math.Sqrt(0.02), row.Accuracy.Std, 12);
        Assert.Equal(0, row.UploadBytes);
        Assert.Equal(2, row.RoundsTo95); // every curve is [final/2, final]
    }

    [Fact]
    public void GapAndHeadline_UseTheBestFederatedLoraRow()
    {
        var runs = new[]
        {
            Run(M("centralised"), 1, 0.90), Run(M("federated LoRA (naive)"), 1, 0.85, bytes: 1000),
            Run(M("federated LoRA (frozen-a)"), 1, 0.88, bytes: 600), Run(M("federated full"), 1, 0.95, bytes: 9000),
        };
        var rows = ExperimentResults.Rows(Methods, [1.0], runs, []);

        var headline = Headline.From(rows, backboneBytes: 10_000);

        Assert.Equal(2.0, headline.GapPoints, 9); // full fine-tuning is not LoRA, so it is not the comparison
        Assert.Equal("federated LoRA (frozen-a)", headline.BestLoraName);
        Assert.Equal(0.06, headline.UploadFraction, 12);
        var lines = headline.Lines().ToList();
        Assert.Equal(["lora_upload_fraction_naive=0.1000", "lora_upload_fraction_frozen_a=0.0600", "fed_lora_gap_to_central_pts=2.00", "lora_upload_fraction=0.0600"], lines);
    }
}
