using FedTransfer.Torch.NN;

namespace FedTransfer.Torch.Tests.NN;

public sealed class PatchEmbeddingTests
{
    [Fact]
    public void Forward_Image_GivesOneTokenPerPatchInRowMajorOrder()
    {
        using var embed = new PatchEmbedding(imageSize: 4, patchSize: 2, channels: 1, dim: 1);
        using (Torch.NoGrad())
        {
            // Kernel of ones and zero bias: each token is the sum of its patch's pixels.
            embed.StateDict()["proj.weight"].FillInPlace(1);
            embed.StateDict()["proj.bias"].ZeroInPlace();
        }
        using var scope = Torch.NewDisposeScope();
        var image = Tensor.From(Enumerable.Range(0, 16).Select(i => (float)i).ToArray(), 1, 1, 4, 4);

        var tokens = embed.Forward(image);

        Assert.Equal([1L, 4L, 1L], tokens.Shape);
        Assert.Equal([0f + 1 + 4 + 5, 2f + 3 + 6 + 7, 8f + 9 + 12 + 13, 10f + 11 + 14 + 15], tokens.Contiguous().ToArray<float>());
    }

    [Fact]
    public void Forward_WrongImageSize_ThrowsNamingExpectedShape()
    {
        using var embed = new PatchEmbedding(28, 7, 1, 8);
        using var x = Tensor.Zeros([2, 1, 32, 32]);

        var error = Assert.Throws<ArgumentException>(() => embed.Forward(x));

        Assert.Contains("[batch, 1, 28, 28]", error.Message);
    }

    [Fact]
    public void Constructor_PatchNotDividingImage_Throws()
    {
        Assert.Throws<ArgumentException>(() => new PatchEmbedding(28, 5, 1, 8));
    }
}
