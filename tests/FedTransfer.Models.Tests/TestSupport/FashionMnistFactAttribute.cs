using FedTransfer.Models.Data;

namespace FedTransfer.Models.Tests.TestSupport;

/// <summary>A fact skipped, with the reason, when Debian's dataset-fashion-mnist is not installed.</summary>
public sealed class FashionMnistFactAttribute : FactAttribute
{
    public FashionMnistFactAttribute()
    {
        if (!FashionMnist.IsAvailable(FashionMnist.DefaultDirectory, FashionMnistSplit.Train) || !FashionMnist.IsAvailable(FashionMnist.DefaultDirectory, FashionMnistSplit.Test))
            Skip = $"Fashion-MNIST not found in {FashionMnist.DefaultDirectory}; install 'dataset-fashion-mnist' (./build.sh setup) to run this test.";
    }
}
