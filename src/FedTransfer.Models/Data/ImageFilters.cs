namespace FedTransfer.Models.Data;

/// <summary>Separable blur kernels for <see cref="ImageShift"/>; borders replicate the edge pixel, as scanners' optics do not darken edges.</summary>
internal static class ImageFilters
{
    /// <summary>Normalised 1-D Gaussian kernel with radius ⌈3σ⌉.</summary>
    public static float[] GaussianKernel(double sigma)
    {
        var radius = Math.Max(1, (int)Math.Ceiling(3 * sigma));
        var k = new float[2 * radius + 1];
        double sum = 0;
        for (var i = -radius; i <= radius; i++) sum += k[i + radius] = (float)Math.Exp(-(i * i) / (2 * sigma * sigma));
        for (var i = 0; i < k.Length; i++) k[i] = (float)(k[i] / sum);
        return k;
    }

    /// <summary>Normalised 1-D box kernel of width 2r+1.</summary>
    public static float[] BoxKernel(int radius)
    {
        var k = new float[2 * radius + 1];
        Array.Fill(k, 1f / k.Length);
        return k;
    }

    /// <summary>Convolves <paramref name="plane"/> (H×W, row-major) in place with <paramref name="kernel"/> along rows then columns.</summary>
    public static void Convolve(Span<float> plane, float[] scratch, int height, int width, float[] kernel)
    {
        var r = kernel.Length / 2;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                float acc = 0;
                for (var t = -r; t <= r; t++) acc += kernel[t + r] * plane[y * width + Math.Clamp(x + t, 0, width - 1)];
                scratch[y * width + x] = acc;
            }
        }
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                float acc = 0;
                for (var t = -r; t <= r; t++) acc += kernel[t + r] * scratch[Math.Clamp(y + t, 0, height - 1) * width + x];
                plane[y * width + x] = acc;
            }
        }
    }
}
