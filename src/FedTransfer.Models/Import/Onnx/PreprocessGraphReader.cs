using FedTransfer.Models.Import.Onnx.Proto;

namespace FedTransfer.Models.Import.Onnx;

/// <summary>
/// Reads an input-normalisation graph such as ML.NET's <c>ResNetPreprocess.onnx</c>: an optional channel permutation
/// (Split on axis 1 then Concat on axis 1, e.g. RGB to BGR), then Sub of a constant mean (per channel, or a whole mean
/// image, reported per channel with its spread) and an optional Div or Mul by a per-channel constant.
/// </summary>
internal static class PreprocessGraphReader
{
    private const string Supported = "a preprocessing graph of Split/Concat (channel order), Sub (mean) and Div or Mul (scale) is read";

    public static InputNormalization Read(OnnxGraph graph)
    {
        var x = graph.Input.Name;
        var channels = (int)(graph.Input.Type?.TensorType?.Shape?.Dim.Skip(1).FirstOrDefault()?.DimValue ?? 3);
        int[] order = [.. Enumerable.Range(0, channels)];
        float[] mean = new float[channels], std = [.. Enumerable.Repeat(1f, channels)], spread = new float[channels];
        while (!graph.Outputs.Contains(x))
        {
            var consumers = graph.ConsumersOf(x);
            if (consumers.Count != 1)
                throw new OnnxImportException(x, $"ONNX value '{x}' is read by {consumers.Count} nodes; {Supported}");
            var node = consumers[0];
            switch (node.OpType)
            {
                case "Split":
                    (order, x) = ReadPermutation(graph, node, channels);
                    break;
                case "Sub":
                    (mean, spread) = PerChannel(graph, node, channels);
                    x = node.SingleOutput();
                    break;
                case "Div" or "Mul":
                    var (values, _) = PerChannel(graph, node, channels);
                    std = node.OpType == "Div" ? values : [.. values.Select(v => 1 / v)];
                    x = node.SingleOutput();
                    break;
                default:
                    throw node.Error($"unsupported operator in a preprocessing graph; {Supported}");
            }
        }
        return new InputNormalization(order, mean, std, spread, graph.Sha256);
    }

    /// <summary>Split into single channels, then Concat in another order: output channel i is input channel order[i].</summary>
    private static (int[] Order, string Output) ReadPermutation(OnnxGraph graph, NodeProto split, int channels)
    {
        if (split.Int("axis", 0) != 1 || split.Output.Count != channels)
            throw split.Error($"expected a split of the {channels} channels on axis 1; {Supported}");
        var concat = graph.ConsumersOf(split.Output[0]).SingleOrDefault(n => n.OpType == "Concat")
            ?? throw split.Error($"expected a Concat of the split channels; {Supported}");
        if (concat.Int("axis", 0) != 1 || concat.Input.Count != channels)
            throw concat.Error($"expected a Concat of {channels} channels on axis 1; {Supported}");
        var order = concat.Input.Select(i => split.Output.IndexOf(i)).ToArray();
        if (order.Any(i => i < 0) || order.Distinct().Count() != channels)
            throw concat.Error($"its inputs [{string.Join(", ", concat.Input)}] are not a permutation of the split channels; {Supported}");
        return (order, concat.SingleOutput());
    }

    /// <summary>The constant operand as one value per channel (the mean over pixels) and its spread (standard deviation over pixels).</summary>
    private static (float[] Values, float[] Spread) PerChannel(OnnxGraph graph, NodeProto node, int channels)
    {
        var constant = node.Input.Count == 2 ? graph.Initializer(node.Input[1]) : null;
        if (constant is null)
            throw node.Error($"expected a constant second operand; {Supported}");
        var values = constant.ToFloats(node);
        if (values.Length % channels != 0 || (constant.Dims.Count >= 3 && constant.Dims[^3] != channels && values.Length != channels))
            throw node.Error($"constant '{constant.Name}' of shape [{string.Join(", ", constant.Dims)}] is not per channel of {channels}");
        var pixels = values.Length / channels;
        var mean = new float[channels];
        var spread = new float[channels];
        for (var c = 0; c < channels; c++)
        {
            var slice = values.AsSpan(c * pixels, pixels);
            double sum = 0, sumSquares = 0;
            foreach (var v in slice)
            {
                sum += v;
                sumSquares += (double)v * v;
            }
            mean[c] = (float)(sum / pixels);
            spread[c] = (float)Math.Sqrt(Math.Max(0, sumSquares / pixels - (sum / pixels) * (sum / pixels)));
        }
        return (mean, spread);
    }
}
