using FedTransfer.Models.Data;
using FedTransfer.Models.Training;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.Training;

public sealed class ImageAugmentationTests
{
    private static DataBatch OneImage(float[] pixels, int size) => new(pixels, new long[] { 0 }, 1, [1, 1, size, size]);

    [Fact]
    public void Apply_NoShiftNoFlip_CopiesTheImage()
    {
        var pixels = Enumerable.Range(0, 9).Select(i => (float)i).ToArray();

        var result = new ImageAugmentation(MaxShift: 0, HorizontalFlip: false).Apply(OneImage(pixels, 3), new SeededRandom(1));

        Assert.Equal(pixels, result);
        Assert.NotSame(pixels, result);
    }

    [Fact]
    public void Apply_FlipOnly_MirrorsRowsOrLeavesThem()
    {
        float[] pixels = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        var augmentation = new ImageAugmentation(MaxShift: 0, HorizontalFlip: true);
        var random = new SeededRandom(3);

        var outcomes = Enumerable.Range(0, 20).Select(_ => augmentation.Apply(OneImage(pixels, 3), random)).ToList();

        Assert.Contains(outcomes, o => o.SequenceEqual(pixels));
        Assert.Contains(outcomes, o => o.SequenceEqual(new float[] { 3, 2, 1, 6, 5, 4, 9, 8, 7 }));
        Assert.All(outcomes, o => Assert.True(o.SequenceEqual(pixels) || o.SequenceEqual(new float[] { 3, 2, 1, 6, 5, 4, 9, 8, 7 })));
    }

    [Fact]
    public void Apply_Shift_MovesPixelsAndPadsWithZeros()
    {
        var pixels = new float[25];
        pixels[2 * 5 + 2] = 1; // centre of a 5x5 image
        var augmentation = new ImageAugmentation(MaxShift: 1, HorizontalFlip: false);
        var random = new SeededRandom(4);

        var outcomes = Enumerable.Range(0, 50).Select(_ => augmentation.Apply(OneImage(pixels, 5), random)).ToList();

        Assert.All(outcomes, o =>
        {
            Assert.Equal(1f, o.Sum());
            var at = Array.IndexOf(o, 1f);
            Assert.InRange(at / 5, 1, 3);
            Assert.InRange(at % 5, 1, 3);
        });
        Assert.True(outcomes.Select(o => Array.IndexOf(o, 1f)).Distinct().Count() >= 5, "shifts should vary");
    }

    [Fact]
    public void Apply_SameSeed_SameResult()
    {
        var pixels = Enumerable.Range(0, 16).Select(i => (float)i).ToArray();
        var augmentation = new ImageAugmentation();

        var first = augmentation.Apply(OneImage(pixels, 4), new SeededRandom(9));
        var second = augmentation.Apply(OneImage(pixels, 4), new SeededRandom(9));

        Assert.Equal(first, second);
    }

    [Fact]
    public void Apply_NonSquareRows_Throws()
    {
        var batch = new DataBatch(new float[6], new long[] { 0 }, 1, [1, 1, 2, 3]);

        Assert.Throws<ArgumentException>(() => new ImageAugmentation().Apply(batch, new SeededRandom(1)));
    }
}
