using FedTransfer.Cli.Experiment;

namespace FedTransfer.Cli.Tests.Experiment;

public class CentralDpBenchmarksTests
{
    private static TableRow Row(double? epsilon, double accuracy) => new(
        new ExperimentMethod(epsilon is null ? "dp-none" : $"dp-eps{epsilon}", "row", MethodKind.Federated, "lora:r=2,agg=frozen-a", 1e-3, CentralDpEpsilon: epsilon),
        10, new MeanStd(accuracy, 0.01, 2), 100, 5, 10, null);

    [Fact]
    public void DropAtEpsilon3_IsNoDpMinusEpsilon3InPoints()
    {
        var rows = new[] { Row(null, 0.75), Row(1, 0.35), Row(3, 0.55), Row(8, 0.66) };

        Assert.Equal(20.0, CentralDpBenchmarks.DropAtEpsilon3(rows), 9);
        Assert.Equal("dp_eps3_accuracy_drop_pts=20.00", CentralDpBenchmarks.Lines(rows).Last());
        Assert.True(double.IsNaN(CentralDpBenchmarks.DropAtEpsilon3([Row(null, 0.75)])));
    }

    [Fact]
    public void Merge_ReplacesOnlyTheMarkedSection_AndSectionOfKeepsItForTheLearningTable()
    {
        var old = $"# Learning\ntable\n\n{CentralDpBenchmarks.Begin}\nold dp\n{CentralDpBenchmarks.End}\n";
        var section = $"{CentralDpBenchmarks.Begin}\nnew dp\n{CentralDpBenchmarks.End}\n";

        var merged = CentralDpBenchmarks.Merge(old, section);
        var appended = CentralDpBenchmarks.Merge("# Learning\ntable\n", section);

        Assert.Contains("# Learning\ntable", merged);
        Assert.Contains("new dp", merged);
        Assert.DoesNotContain("old dp", merged);
        Assert.EndsWith(section, appended);
        Assert.Equal(section.TrimEnd(), CentralDpBenchmarks.SectionOf(merged).TrimEnd());
        Assert.Equal("", CentralDpBenchmarks.SectionOf("# Learning\n"));
    }
}
