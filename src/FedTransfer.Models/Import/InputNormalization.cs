using System.Globalization;

namespace FedTransfer.Models.Import;

/// <summary>
/// How images must be prepared for an imported backbone: <c>model_input[i] = (image[ChannelOrder[i]] − Mean[i]) / Std[i]</c>,
/// in the pixel units the source expects (0-255 for ML.NET's ResNet-18, whose preprocessing subtracts a per-pixel
/// mean image: <see cref="MeanSpread"/> is how far that image's pixels stray from the per-channel <see cref="Mean"/>).
/// </summary>
/// <param name="ChannelOrder">Input channel for each model channel: <c>[2, 1, 0]</c> turns RGB into BGR.</param>
/// <param name="Mean">Subtracted per model channel.</param>
/// <param name="Std">Divided by per model channel.</param>
/// <param name="MeanSpread">Standard deviation over pixels of a per-pixel mean image (zeros for a per-channel mean).</param>
/// <param name="SourceSha256">SHA-256 of the preprocessing ONNX file.</param>
public sealed record InputNormalization(IReadOnlyList<int> ChannelOrder, IReadOnlyList<float> Mean, IReadOnlyList<float> Std, IReadOnlyList<float> MeanSpread, string SourceSha256)
{
    /// <summary>Prefix of the safetensors metadata keys this is written under.</summary>
    public const string MetadataPrefix = "fedtransfer.input.";

    /// <summary>Reads a preprocessing ONNX graph (Split/Concat, Sub, Div or Mul).</summary>
    /// <exception cref="OnnxImportException">Naming the node it cannot read.</exception>
    public static InputNormalization FromOnnx(string path) => Onnx.PreprocessGraphReader.Read(Onnx.OnnxGraph.Load(path));

    /// <summary>The safetensors metadata entries (<c>fedtransfer.input.*</c>), numbers in invariant culture.</summary>
    public IReadOnlyDictionary<string, string> ToMetadata() => new Dictionary<string, string>
    {
        [MetadataPrefix + "channel_order"] = Join(ChannelOrder),
        [MetadataPrefix + "channels"] = ChannelOrder.SequenceEqual([2, 1, 0]) ? "BGR" : ChannelOrder.SequenceEqual([0, 1, 2]) ? "RGB" : "permuted",
        [MetadataPrefix + "mean"] = Join(Mean),
        [MetadataPrefix + "std"] = Join(Std),
        [MetadataPrefix + "mean_pixel_spread"] = Join(MeanSpread),
        [MetadataPrefix + "preprocess_sha256"] = SourceSha256,
    };

    private static string Join<T>(IEnumerable<T> values) where T : IFormattable =>
        string.Join(",", values.Select(v => v.ToString(null, CultureInfo.InvariantCulture)));
}
