using FedTransfer.Models.Data;

namespace FedTransfer.Cli.Demo;

/// <summary>
/// The demo's data: Fashion-MNIST classes 5-9 (never seen by the backbone) split across sites by a Dirichlet
/// draw over classes (non-IID), each site's images passed through its own "scanner" shift. The test images
/// are split the same number of ways and shifted alike, so the pooled test set covers every scanner.
/// </summary>
internal sealed record DemoData(
    IReadOnlyList<string> SiteNames,
    IReadOnlyList<ImageShift> Shifts,
    IReadOnlyList<Dataset> SiteTrain,
    IReadOnlyList<Dataset> SiteTest,
    Dataset PooledTest,
    IReadOnlyList<string> SiteDirectories)
{
    /// <summary>The target task's original labels; the site task relabels them 0..4.</summary>
    public static readonly int[] TargetClasses = [5, 6, 7, 8, 9];

    /// <summary>Scanner shifts given to sites in turn: low contrast, noisy, blurred.</summary>
    public static readonly ImageShift[] ScannerShifts =
    [
        new(Contrast: 0.55, Brightness: 0.1),
        new(NoiseStd: 0.12),
        new(BlurSigma: 0.9),
    ];

    public static DemoData Prepare(string workDirectory, int sites, double alpha, int trainExamples, ulong seed)
    {
        var train = FashionMnist.Load(FashionMnistSplit.Train, TargetClasses).Sample(trainExamples, seed);
        var test = FashionMnist.Load(FashionMnistSplit.Test, TargetClasses).Shuffle(seed + 1);
        var shares = DirichletPartitioner.Split(train, sites, alpha, seed + 2, minPerSite: 64);

        var names = new List<string>();
        var shifts = new List<ImageShift>();
        var siteTrain = new List<Dataset>();
        var siteTest = new List<Dataset>();
        var directories = new List<string>();
        var perSiteTest = test.Count / sites;
        for (var k = 0; k < sites; k++)
        {
            var name = $"site-{k + 1}";
            var shift = ScannerShifts[k % ScannerShifts.Length];
            var shiftedTrain = shift.Apply(shares[k], seed + 10 + (ulong)k);
            var testPart = test.Subset(Enumerable.Range(k * perSiteTest, perSiteTest).ToArray());
            var directory = Path.Combine(workDirectory, name, "data");
            IdxWriter.WriteImageSet(directory, "train", shiftedTrain);

            names.Add(name);
            shifts.Add(shift);
            siteTrain.Add(shiftedTrain);
            siteTest.Add(shift.Apply(testPart, seed + 20 + (ulong)k));
            directories.Add(directory);
        }
        return new DemoData(names, shifts, siteTrain, siteTest, Dataset.Concat(siteTest), directories);
    }
}
