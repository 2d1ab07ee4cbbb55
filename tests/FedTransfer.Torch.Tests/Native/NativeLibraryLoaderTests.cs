using FedTransfer.Torch.Native;

namespace FedTransfer.Torch.Tests.Native;

public sealed class NativeLibraryLoaderTests
{
    [Fact]
    public void Candidates_IncludeAppDirectoryAndRepositoryArtifacts()
    {
        var candidates = NativeLibraryLoader.Candidates(typeof(Tensor).Assembly).ToList();

        Assert.Contains(Path.Combine(AppContext.BaseDirectory, "libfedtorch.so"), candidates);
        Assert.Contains(candidates, c => c.EndsWith(Path.Combine("artifacts", "native", "libfedtorch.so"), StringComparison.Ordinal));
    }

    [Fact]
    public void Library_Loads_AndAnswersACall()
    {
        Assert.True(Torch.GetNumThreads() >= 1);
    }
}
