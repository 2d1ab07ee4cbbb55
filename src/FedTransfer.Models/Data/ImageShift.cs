using System.Globalization;

namespace FedTransfer.Models.Data;

/// <summary>
/// An acquisition shift that makes one site's images look as if taken by a different scanner: optional blur, then
/// a contrast change around each image's mean, a brightness offset, and additive Gaussian noise, clamped to [0, 1].
/// Deterministic: the noise of image i depends only on the seed and i.
/// </summary>
/// <param name="Contrast">Contrast factor; 1 leaves images unchanged, below 1 flattens, above 1 sharpens.</param>
/// <param name="Brightness">Added to every pixel after the contrast change.</param>
/// <param name="NoiseStd">Standard deviation of per-pixel Gaussian noise; 0 for none.</param>
/// <param name="BlurSigma">Gaussian blur sigma in pixels; 0 for none.</param>
/// <param name="BoxRadius">Box blur radius in pixels (window 2r+1); 0 for none.</param>
public sealed record ImageShift(double Contrast = 1, double Brightness = 0, double NoiseStd = 0, double BlurSigma = 0, int BoxRadius = 0)
{
    /// <summary>No change.</summary>
    public static ImageShift None { get; } = new();

    /// <summary>
    /// Parses "contrast=0.6,noise=0.1,blur=1.2,box=1,brightness=0.05" (any subset, any order; "none" or empty for no shift).
    /// </summary>
    /// <exception cref="FormatException">Unknown key or bad number; the message lists the valid keys.</exception>
    public static ImageShift Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var shift = None;
        if (text.Trim() is "" or "none") return shift;
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (kv.Length != 2 || !double.TryParse(kv[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                throw new FormatException($"Image shift '{text}': '{part}' is not key=number.");
            shift = kv[0] switch
            {
                "contrast" => shift with { Contrast = v },
                "brightness" => shift with { Brightness = v },
                "noise" => shift with { NoiseStd = v },
                "blur" => shift with { BlurSigma = v },
                "box" when v == Math.Floor(v) => shift with { BoxRadius = (int)v },
                _ => throw new FormatException($"Image shift '{text}': unknown or invalid '{part}'; keys are contrast, brightness, noise, blur, box (integer)."),
            };
        }
        shift.Validate();
        return shift;
    }

    /// <summary>Applies the shift to every image of <paramref name="images"/> (row shape [..., H, W]); labels unchanged.</summary>
    public Dataset Apply(Dataset images, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(images);
        Validate();
        if (images.RowShape.Count < 2) throw new ArgumentException("Image shift needs rows shaped [..., height, width].", nameof(images));
        var height = images.RowShape[^2];
        var width = images.RowShape[^1];
        var planes = images.RowSize / (height * width);
        var output = images.Features.ToArray();
        var kernel = BlurSigma > 0 ? ImageFilters.GaussianKernel(BlurSigma) : null;
        var box = BoxRadius > 0 ? ImageFilters.BoxKernel(BoxRadius) : null;
        var scratch = new float[height * width];
        for (var i = 0; i < images.Count; i++)
        {
            var rng = NoiseStd > 0 ? new SeededRandom(SeededRandom.Derive(seed, (ulong)i)) : null;
            for (var p = 0; p < planes; p++)
            {
                var plane = output.AsSpan(i * images.RowSize + p * height * width, height * width);
                if (kernel is not null) ImageFilters.Convolve(plane, scratch, height, width, kernel);
                if (box is not null) ImageFilters.Convolve(plane, scratch, height, width, box);
                Adjust(plane, rng);
            }
        }
        return images.WithFeatures(output);
    }

    /// <inheritdoc/>
    public override string ToString() => this == None
        ? "none"
        : string.Create(CultureInfo.InvariantCulture, $"contrast={Contrast},brightness={Brightness},noise={NoiseStd},blur={BlurSigma},box={BoxRadius}");

    private void Adjust(Span<float> plane, SeededRandom? rng)
    {
        float mean = 0;
        foreach (var v in plane) mean += v;
        mean /= plane.Length;
        for (var k = 0; k < plane.Length; k++)
        {
            // Written as an offset from the pixel so that contrast 1 and brightness 0 leave it bit-identical.
            var v = plane[k] + (plane[k] - mean) * (Contrast - 1) + Brightness;
            if (rng is not null) v += NoiseStd * rng.NextGaussian();
            plane[k] = (float)Math.Clamp(v, 0, 1);
        }
    }

    private void Validate()
    {
        if (!(Contrast >= 0) || !(NoiseStd >= 0) || !(BlurSigma >= 0) || BoxRadius < 0 || !double.IsFinite(Brightness))
            throw new ArgumentOutOfRangeException(null, $"Image shift {this} has a negative or non-finite parameter.");
    }
}
