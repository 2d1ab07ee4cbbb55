using FedTransfer.Models.Data;

namespace FedTransfer.Models.Training;

/// <summary>
/// Random translation (zero padding) and horizontal flip of square images, applied per image while training so a small
/// backbone learns features that do not depend on exact pixel positions, which is what lets them carry over to new classes.
/// </summary>
/// <param name="MaxShift">Largest shift in pixels along each axis (0 disables shifting).</param>
/// <param name="HorizontalFlip">Mirror half of the images left-right.</param>
public sealed record ImageAugmentation(int MaxShift = 2, bool HorizontalFlip = true)
{
    /// <summary>Returns augmented copies of a batch's images [count, channels, size, size]; the batch itself is left untouched.</summary>
    public float[] Apply(DataBatch batch, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (batch.Shape.Length != 4 || batch.Shape[2] != batch.Shape[3])
            throw new ArgumentException($"image augmentation needs square images [batch, channels, size, size], got [{string.Join(", ", batch.Shape)}]");
        var channels = (int)batch.Shape[1];
        var size = (int)batch.Shape[2];
        var source = batch.Features.Span;
        var result = new float[source.Length];
        var plane = size * size;
        for (var i = 0; i < batch.Count; i++)
        {
            var dx = MaxShift > 0 ? random.NextInt(2 * MaxShift + 1) - MaxShift : 0;
            var dy = MaxShift > 0 ? random.NextInt(2 * MaxShift + 1) - MaxShift : 0;
            var flip = HorizontalFlip && random.NextInt(2) == 1;
            for (var c = 0; c < channels; c++)
            {
                var offset = (i * channels + c) * plane;
                Transform(source.Slice(offset, plane), result.AsSpan(offset, plane), size, dx, dy, flip);
            }
        }
        return result;
    }

    // Output pixel (y, x) reads input (y - dy, x' - dx) where x' mirrors x when flipping; outside the image is zero.
    private static void Transform(ReadOnlySpan<float> src, Span<float> dst, int size, int dx, int dy, bool flip)
    {
        for (var y = 0; y < size; y++)
        {
            var sy = y - dy;
            for (var x = 0; x < size; x++)
            {
                var sx = (flip ? size - 1 - x : x) - dx;
                dst[y * size + x] = sy >= 0 && sy < size && sx >= 0 && sx < size ? src[sy * size + sx] : 0f;
            }
        }
    }
}
