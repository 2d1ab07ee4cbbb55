using FedTransfer.Models.NN;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.NN;

public sealed class PatchEmbeddingTests
{
    [Fact]
    public void Forward_Image_GivesOneTokenPerPatchInRowMajorOrder()
    {
        using var embed = new PatchEmbedding(imageSize: 4, patchSize: 2, channels: 1, dim: 1);
        using (no_grad())
        {
            // Kernel of ones and zero bias: each token is the sum of its patch's pixels.
            embed.state_dict()["proj.weight"].fill_(1);
            embed.state_dict()["proj.bias"].zero_();
        }
        using var scope = NewDisposeScope();
        var image = tensor(Enumerable.Range(0, 16).Select(i => (float)i).ToArray(), [1, 1, 4, 4]);

        var tokens = embed.call(image);

        Assert.Equal([1L, 4L, 1L], tokens.shape);
        Assert.Equal([0f + 1 + 4 + 5, 2f + 3 + 6 + 7, 8f + 9 + 12 + 13, 10f + 11 + 14 + 15], tokens.contiguous().data<float>().ToArray());
    }

    [Fact]
    public void Forward_WrongImageSize_ThrowsNamingExpectedShape()
    {
        using var embed = new PatchEmbedding(28, 7, 1, 8);
        using var x = zeros(2, 1, 32, 32);

        var error = Assert.Throws<ArgumentException>(() => embed.call(x));

        Assert.Contains("[batch, 1, 28, 28]", error.Message);
    }

    [Fact]
    public void Constructor_PatchNotDividingImage_Throws()
    {
        Assert.Throws<ArgumentException>(() => new PatchEmbedding(28, 5, 1, 8));
    }
}
