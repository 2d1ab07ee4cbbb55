using System.Globalization;
using FedTransfer.Cli.Demo;
using FedTransfer.Models.Data;

namespace FedTransfer.Cli.Experiment;

/// <summary>
/// The data of one (alpha, seed) cell: the demo's task (classes 5-9 split over the sites by a Dirichlet draw, each
/// site's images through its scanner shift, written as the sites' IDX folders), a pooled folder holding every site's
/// images for centralised training, and a test sample drawn from the held-out images of every scanner.
/// </summary>
internal sealed record ExperimentData(string Directory, IReadOnlyList<string> SiteNames, IReadOnlyList<string> SiteDirectories,
    IReadOnlyList<int> SiteImages, string PooledDirectory, Dataset Test)
{
    public static ExperimentData Prepare(string workDirectory, ExperimentSettings settings, double alpha, ulong seed)
    {
        var directory = Path.Combine(workDirectory, CellName(alpha, seed));
        if (System.IO.Directory.Exists(directory)) System.IO.Directory.Delete(directory, recursive: true);
        var demo = DemoData.Prepare(directory, settings.Sites, alpha, settings.TrainExamples, seed);
        var pooled = Path.Combine(directory, "pooled", "data");
        IdxWriter.WriteImageSet(pooled, "train", Dataset.Concat(demo.SiteTrain));
        var test = demo.PooledTest.Sample(Math.Min(settings.TestExamples, demo.PooledTest.Count), seed + 30);
        return new ExperimentData(directory, demo.SiteNames, demo.SiteDirectories, demo.SiteTrain.Select(d => d.Count).ToList(), pooled, test);
    }

    public static string CellName(double alpha, ulong seed) => $"alpha-{alpha.ToString("0.###", CultureInfo.InvariantCulture)}-seed-{seed}";
}
