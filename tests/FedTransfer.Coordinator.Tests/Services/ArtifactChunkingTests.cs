namespace FedTransfer.Coordinator.Tests.Services;

public class ArtifactChunkingTests
{
    [Theory]
    [InlineData(0, 1048576)]
    [InlineData(4096, 4096)]
    [InlineData(3145728, 3145728)]
    public void Resolve_ZeroOrWithinLimits(int requested, int expected)
    {
        Assert.Equal(expected, ArtifactChunking.Resolve(requested, ArtifactChunking.DefaultChunkBytes));
    }

    [Theory]
    [InlineData(4095)]
    [InlineData(3145729)]
    [InlineData(-1)]
    public void Resolve_OutsideLimits_Throws(int requested)
    {
        var e = Assert.Throws<ArgumentException>(() => ArtifactChunking.Resolve(requested, ArtifactChunking.DefaultChunkBytes));

        Assert.Contains("between 4096 and 3145728", e.Message);
        Assert.DoesNotContain("(Parameter", e.Message); // the review saw "(Parameter 'requested')" reach a site

    }
}
