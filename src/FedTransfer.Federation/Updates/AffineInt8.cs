using System.Globalization;

namespace FedTransfer.Federation.Updates;

/// <summary>
/// 8-bit per-tensor affine quantisation (as in Jacob et al., "Quantization and Training of Neural Networks for Efficient
/// Integer-Arithmetic-Only Inference", CVPR 2018): q = clamp(round(x/scale) + zero_point, 0, 255), x̂ = scale·(q − zero_point),
/// with the range [min(x, 0), max(x, 0)] mapped onto 0..255 so that 0 is exact. Rounding x/scale (not x/scale + zero_point)
/// keeps every element within scale/2 of its value. Scale and zero point travel in the safetensors metadata under
/// <see cref="ScaleKey"/> and <see cref="ZeroPointKey"/> as invariant decimal text (scale round-trips exactly).
/// </summary>
public static class AffineInt8
{
    /// <summary>Prefix of every metadata key this encoding defines.</summary>
    public const string KeyPrefix = "fedtransfer.q8.";

    /// <summary>Metadata key of a tensor's scale: <c>fedtransfer.q8.&lt;tensor&gt;.scale</c>.</summary>
    public static string ScaleKey(string tensor) => KeyPrefix + tensor + ".scale";

    /// <summary>Metadata key of a tensor's zero point: <c>fedtransfer.q8.&lt;tensor&gt;.zero_point</c>.</summary>
    public static string ZeroPointKey(string tensor) => KeyPrefix + tensor + ".zero_point";

    /// <summary>Exactly the metadata keys an int8 update of these tensors carries.</summary>
    public static IEnumerable<string> KeysFor(IEnumerable<string> tensors) => tensors.SelectMany(t => new[] { ScaleKey(t), ZeroPointKey(t) });

    /// <summary>Quantises finite <paramref name="values"/> into <paramref name="destination"/>; returns the scale (&gt; 0) and zero point (0..255).</summary>
    public static (double Scale, int ZeroPoint) Quantize(ReadOnlySpan<float> values, Span<byte> destination)
    {
        if (destination.Length != values.Length) throw new ArgumentException($"{values.Length} values for {destination.Length} bytes");
        double min = 0, max = 0;
        foreach (var v in values)
        {
            if (!float.IsFinite(v)) throw new ArgumentException($"cannot quantise {v}: values must be finite");
            if (v < min) min = v;
            if (v > max) max = v;
        }
        // An all-zero tensor has no range: any positive scale represents it exactly.
        var scale = max > min ? (max - min) / 255.0 : 1.0;
        var zeroPoint = (int)Math.Clamp(Math.Round(-min / scale), 0, 255);
        for (var i = 0; i < values.Length; i++)
            destination[i] = (byte)Math.Clamp(Math.Round(values[i] / scale) + zeroPoint, 0, 255);
        return (scale, zeroPoint);
    }

    /// <summary>x̂ = scale·(q − zero_point) for every element.</summary>
    public static void Dequantize(ReadOnlySpan<byte> quantized, double scale, int zeroPoint, Span<float> destination)
    {
        if (destination.Length != quantized.Length) throw new ArgumentException($"{quantized.Length} bytes for {destination.Length} values");
        for (var i = 0; i < quantized.Length; i++) destination[i] = (float)(scale * (quantized[i] - zeroPoint));
    }

    /// <summary>Writes a tensor's two metadata entries.</summary>
    public static void WriteMetadata(IDictionary<string, string> metadata, string tensor, double scale, int zeroPoint)
    {
        metadata[ScaleKey(tensor)] = scale.ToString("R", CultureInfo.InvariantCulture);
        metadata[ZeroPointKey(tensor)] = zeroPoint.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Checks that <paramref name="metadata"/> holds exactly the keys for <paramref name="tensors"/>, each scale a finite non-negative
    /// number and each zero point an integer 0..255. Returns the parameters by tensor name, or a one-line reason.
    /// </summary>
    public static (IReadOnlyDictionary<string, (double Scale, int ZeroPoint)>? Parameters, string? Error) ReadMetadata(
        IReadOnlyDictionary<string, string> metadata, IEnumerable<string> tensors)
    {
        var parameters = new Dictionary<string, (double, int)>(StringComparer.Ordinal);
        foreach (var tensor in tensors)
        {
            if (!metadata.TryGetValue(ScaleKey(tensor), out var scaleText) || !metadata.TryGetValue(ZeroPointKey(tensor), out var zeroText))
                return (null, $"int8 tensor '{tensor}' lacks its metadata '{ScaleKey(tensor)}' and '{ZeroPointKey(tensor)}'");
            // Scale 0 is another encoder's way of writing an all-zero tensor (every element decodes to 0), so it is accepted.
            if (!double.TryParse(scaleText, NumberStyles.Float, CultureInfo.InvariantCulture, out var scale) || !double.IsFinite(scale) || scale < 0)
                return (null, $"int8 tensor '{tensor}' has scale '{ReasonText.Shorten(scaleText)}'; it must be a finite number >= 0");
            if (!int.TryParse(zeroText, NumberStyles.None, CultureInfo.InvariantCulture, out var zero) || zero > 255)
                return (null, $"int8 tensor '{tensor}' has zero point '{ReasonText.Shorten(zeroText)}'; it must be an integer 0..255");
            parameters[tensor] = (scale, zero);
        }
        var extra = metadata.Keys.FirstOrDefault(k => !IsKnownKey(k, parameters));
        return extra is null ? (parameters, null) : (null, $"metadata key '{ReasonText.Shorten(extra)}' is not one the int8 encoding defines for this update");
    }

    private static bool IsKnownKey(string key, Dictionary<string, (double, int)> parameters)
    {
        if (!key.StartsWith(KeyPrefix, StringComparison.Ordinal)) return false;
        var rest = key[KeyPrefix.Length..];
        var tensor = rest.EndsWith(".scale", StringComparison.Ordinal) ? rest[..^".scale".Length]
            : rest.EndsWith(".zero_point", StringComparison.Ordinal) ? rest[..^".zero_point".Length] : null;
        return tensor is not null && parameters.ContainsKey(tensor);
    }
}
