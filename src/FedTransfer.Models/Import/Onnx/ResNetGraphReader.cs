using FedTransfer.Models.Import.Onnx.Proto;

namespace FedTransfer.Models.Import.Onnx;

/// <summary>One tensor for the project's ResNet, under its torchvision name, as read from the graph.</summary>
internal sealed record NamedWeights(string Name, long[] Shape, float[] Values);

/// <summary>What <see cref="ResNetGraphReader"/> found: the architecture and every stem and block tensor (no head).</summary>
internal sealed record ResNetGraph(int[] Blocks, int Width, int Channels, long[] InputShape, IReadOnlyList<NamedWeights> Weights);

/// <summary>
/// Reads a ResNet with basic blocks out of an ONNX graph by its structure, not its initializer names (exporters such as
/// CNTK name weights <c>Parameter91</c>): from the data input it walks Conv → BatchNormalization → Relu → MaxPool, then
/// per block Conv → BN → Relu → Conv → BN → Add (with the identity or a 1×1 Conv → BN shortcut) → Relu, until the
/// average pool, assigning each tensor the torchvision name of the matching layer (<c>conv1</c>, <c>bn1</c>,
/// <c>layer1.0.conv1</c>, ..., <c>layer4.0.downsample.1</c>). Anything else is one error naming the node.
/// </summary>
internal sealed class ResNetGraphReader
{
    // TorchSharp's BatchNorm2d epsilon; a file's own epsilon is folded into the running variance (see ReadBatchNorm).
    private const double TorchBatchNormEpsilon = 1e-5;
    private const string Supported = "this importer reads ResNets of basic blocks (Conv, BatchNormalization, Relu, MaxPool, Add, AveragePool or GlobalAveragePool)";

    private readonly OnnxGraph _graph;
    private readonly List<NamedWeights> _weights = [];

    private ResNetGraphReader(OnnxGraph graph) => _graph = graph;

    /// <summary>Walks <paramref name="graph"/> from its input to the pooled features.</summary>
    public static ResNetGraph Read(OnnxGraph graph) => new ResNetGraphReader(graph).Walk();

    private ResNetGraph Walk()
    {
        var inputShape = _graph.Input.Type?.TensorType?.Shape?.Dim.Select(d => d.DimValue).ToArray() ?? [];
        var first = Next(_graph.Input.Name, "Conv", "the graph input");
        var (stemConv, width, channels) = ReadConv(first, "conv1", inChannels: null, kernel: 7, padding: 3, strides: [2]);
        var stemBn = ReadBatchNorm(Next(stemConv.SingleOutput(), "BatchNormalization", stemConv.Label()), "bn1", width, ConvBias(stemConv));
        var stemRelu = Next(stemBn.SingleOutput(), "Relu", stemBn.Label());
        var pool = Next(stemRelu.SingleOutput(), "MaxPool", stemRelu.Label());
        CheckWindow(pool, kernel: 3, stride: 2, padding: 1);

        var stages = new List<int>();
        var x = pool.SingleOutput();
        var current = width;
        while (true)
        {
            var consumers = _graph.ConsumersOf(x);
            if (consumers.Count == 1 && consumers[0].OpType is "AveragePool" or "GlobalAveragePool")
            {
                FinishAtPool(consumers[0]);
                break;
            }
            var (output, outChannels, downsampled, firstConv) = ReadBlock(x, current, stages);
            var newStage = stages.Count == 0 || downsampled;
            // The project's ResNet opens stage 1 without a shortcut conv at stride 1 and every later stage at stride 2.
            var stride = firstConv.Ints("strides", [1, 1])[0];
            if ((stages.Count == 0 && (downsampled || stride != 1)) || (newStage && stages.Count > 0 && stride != 2) || (!newStage && stride != 1))
                throw firstConv.Error($"block at stage {stages.Count + (newStage ? 1 : 0)} has stride {stride}{(downsampled ? " and a shortcut conv" : "")}, which a torchvision basic-block ResNet does not have there; {Supported}");
            if (newStage && outChannels != (long)width << stages.Count)
                throw firstConv.Error($"stage {stages.Count + 1} has {outChannels} channels but a ResNet of width {width} has {(long)width << stages.Count} there; {Supported}");
            if (newStage)
                stages.Add(1);
            else
                stages[^1]++;
            x = output;
            current = outChannels;
        }
        if (stages.Count == 0)
            throw new OnnxImportException("", $"{_graph.Source}: no residual block between the stem and the pooling; {Supported}");
        return new ResNetGraph([.. stages], (int)width, (int)channels, inputShape, _weights);
    }

    /// <summary>One basic block from value <paramref name="x"/>; names its tensors <c>layer{stage}.{index}.*</c>.</summary>
    private (string Output, long Channels, bool Downsampled, NodeProto FirstConv) ReadBlock(string x, long inChannels, List<int> stages)
    {
        var consumers = _graph.ConsumersOf(x);
        if (consumers.Count == 0)
            throw new OnnxImportException(x, $"ONNX value '{x}' is not read by any node and is not followed by a pooling; {Supported}");
        if (consumers.FirstOrDefault(n => n.OpType is not ("Conv" or "Add")) is { } stranger)
            throw stranger.Error($"unsupported operator here (after '{x}'); {Supported}");
        var convs = consumers.Where(n => n.OpType == "Conv").ToList();
        var main = convs.FirstOrDefault(n => KernelOf(n) == 3) ?? throw consumers[0].Error($"expected a 3x3 Conv to start a residual block after '{x}'; {Supported}");
        var shortcut = convs.FirstOrDefault(n => n != main);
        if (convs.Count > 2 || (shortcut is not null && KernelOf(shortcut) != 1))
            throw (shortcut ?? main).Error($"a residual block starts with one 3x3 Conv and at most one 1x1 shortcut Conv, after '{x}'; {Supported}");
        var stride = main.Ints("strides", [1, 1])[0];
        var downsampled = shortcut is not null;
        // A block with a shortcut conv opens a new stage; otherwise it joins the current one.
        var stage = downsampled || stages.Count == 0 ? stages.Count + 1 : stages.Count;
        var index = downsampled || stages.Count == 0 ? 0 : stages[^1];
        var prefix = $"layer{stage}.{index}";

        var (conv1, channels, _) = ReadConv(main, $"{prefix}.conv1", inChannels, kernel: 3, padding: 1, strides: [1, 2]);
        var bn1 = ReadBatchNorm(Next(conv1.SingleOutput(), "BatchNormalization", conv1.Label()), $"{prefix}.bn1", channels, ConvBias(conv1));
        var relu = Next(bn1.SingleOutput(), "Relu", bn1.Label());
        var (conv2, _, _) = ReadConv(Next(relu.SingleOutput(), "Conv", relu.Label()), $"{prefix}.conv2", channels, kernel: 3, padding: 1, strides: [1]);
        var bn2 = ReadBatchNorm(Next(conv2.SingleOutput(), "BatchNormalization", conv2.Label()), $"{prefix}.bn2", channels, ConvBias(conv2));
        var add = Next(bn2.SingleOutput(), "Add", bn2.Label());

        string shortcutValue;
        if (shortcut is not null)
        {
            var (down, _, _) = ReadConv(shortcut, $"{prefix}.downsample.0", inChannels, kernel: 1, padding: 0, strides: [stride]);
            var downBn = ReadBatchNorm(Next(down.SingleOutput(), "BatchNormalization", down.Label()), $"{prefix}.downsample.1", channels, ConvBias(down));
            shortcutValue = downBn.SingleOutput();
        }
        else
        {
            if (stride != 1 || channels != inChannels)
                throw main.Error($"the block changes the shape (stride {stride}, {inChannels} -> {channels} channels) but has no 1x1 shortcut Conv; {Supported}");
            shortcutValue = x;
        }
        if (add.Input.Count != 2 || !add.Input.Contains(bn2.SingleOutput()) || !add.Input.Contains(shortcutValue))
            throw add.Error($"expected the residual sum of '{bn2.SingleOutput()}' and '{shortcutValue}', got [{string.Join(", ", add.Input)}]; {Supported}");
        var output = Next(add.SingleOutput(), "Relu", add.Label()).SingleOutput();
        return (output, channels, downsampled, main);
    }

    /// <summary>The only reader of <paramref name="value"/>, which must be an <paramref name="op"/> node.</summary>
    private NodeProto Next(string value, string op, string after)
    {
        var consumers = _graph.ConsumersOf(value);
        if (consumers.Count == 1 && consumers[0].OpType == op)
            return consumers[0];
        if (consumers.Count == 1)
            throw consumers[0].Error($"expected {op} after '{after}'; {Supported}");
        throw new OnnxImportException(value, $"ONNX value '{value}' (after '{after}') should be read by one {op} node, it is read by {consumers.Count} ({string.Join(", ", consumers.Select(c => $"{c.Label()}:{c.OpType}"))}); {Supported}");
    }

    private static long KernelOf(NodeProto conv) => conv.Ints("kernel_shape", [0])[0];

    /// <summary>A Conv with a square kernel, no groups or dilation, torchvision-compatible padding; records its weight.</summary>
    private (NodeProto Node, long OutChannels, long InChannels) ReadConv(NodeProto node, string name, long? inChannels, long kernel, long padding, long[] strides)
    {
        if (node.OpType != "Conv")
            throw node.Error($"expected Conv for '{name}'; {Supported}");
        var weight = node.Input.Count >= 2 ? _graph.Initializer(node.Input[1]) : null;
        if (weight is null)
            throw node.Error("the weight is not a constant initializer; export the model with its weights as initializers");
        var shape = weight.Shape();
        if (shape.Length != 4 || shape[2] != kernel || shape[3] != kernel || (inChannels is { } c && shape[1] != c))
            throw node.Error($"weight '{weight.Name}' has shape [{string.Join(", ", shape)}], expected [out, {inChannels?.ToString() ?? "in"}, {kernel}, {kernel}] for '{name}'");
        if (node.Int("group", 1) != 1 || node.Ints("dilations", [1, 1]).Any(d => d != 1))
            throw node.Error($"grouped or dilated convolutions are not part of a basic-block ResNet; {Supported}");
        CheckWindow(node, kernel, strides, padding);
        _weights.Add(new NamedWeights($"{name}.weight", shape, weight.ToFloats(node)));
        return (node, shape[0], shape[1]);
    }

    /// <summary>A Conv's bias (null when it has none), folded into the following batch norm's running mean.</summary>
    private float[]? ConvBias(NodeProto conv) =>
        conv.Input.Count >= 3 && conv.Input[2].Length > 0
            ? (_graph.Initializer(conv.Input[2]) ?? throw conv.Error("the bias is not a constant initializer")).ToFloats(conv)
            : null;

    /// <summary>
    /// A BatchNormalization in inference form; records weight, bias, running mean and variance. The torchvision layer has
    /// no conv bias and a fixed epsilon, so both are folded in exactly: BN(conv + b) uses mean − b, and a file epsilon
    /// e gives var + e − 1e-5, so that (x − mean') / sqrt(var' + 1e-5) is the file's own normalisation.
    /// </summary>
    private NodeProto ReadBatchNorm(NodeProto node, string name, long channels, float[]? convBias)
    {
        if (node.Input.Count != 5 || node.Output.Count != 1)
            throw node.Error($"expected the inference form (5 inputs, 1 output), got {node.Input.Count} inputs and {node.Output.Count} outputs");
        if (node.Int("spatial", 1) != 1)
            throw node.Error("spatial=0 (per-activation) batch normalisation has no torchvision equivalent");
        var parts = new float[4][];
        for (var i = 0; i < 4; i++)
        {
            var tensor = _graph.Initializer(node.Input[i + 1]) ?? throw node.Error($"input '{node.Input[i + 1]}' is not a constant initializer");
            parts[i] = tensor.ToFloats(node);
            if (parts[i].Length != channels)
                throw node.Error($"'{tensor.Name}' has {parts[i].Length} values, expected {channels} (one per channel of the preceding Conv)");
        }
        var (scale, bias, mean, variance) = (parts[0], parts[1], parts[2], parts[3]);
        var epsilonShift = node.Float("epsilon", 1e-5f) - TorchBatchNormEpsilon;
        for (var c = 0; c < channels; c++)
        {
            mean[c] -= convBias?[c] ?? 0;
            variance[c] = (float)(variance[c] + epsilonShift);
            if (!(variance[c] >= 0))
                throw node.Error($"running variance of channel {c} is below zero after moving epsilon {node.Float("epsilon", 1e-5f)} to 1e-5; the weights are damaged");
        }
        _weights.Add(new NamedWeights($"{name}.weight", [channels], scale));
        _weights.Add(new NamedWeights($"{name}.bias", [channels], bias));
        _weights.Add(new NamedWeights($"{name}.running_mean", [channels], mean));
        _weights.Add(new NamedWeights($"{name}.running_var", [channels], variance));
        return node;
    }

    /// <summary>
    /// Kernel, stride and padding of a Conv or MaxPool against torchvision's symmetric padding <paramref name="padding"/>.
    /// ONNX pads are [top, left, bottom, right]; CNTK exports stride-2 windows with one row less at the end
    /// ([3, 3, 2, 2] for the 7×7 stem), which is the same computation on even input sizes (224): the last window
    /// never reaches the extra row that symmetric padding adds.
    /// </summary>
    private static void CheckWindow(NodeProto node, long kernel, long[] strides, long padding)
    {
        if (node.Ints("kernel_shape", [kernel, kernel]) is var k && (k.Length != 2 || k[0] != kernel || k[1] != kernel))
            throw node.Error($"kernel [{string.Join(", ", k)}], expected [{kernel}, {kernel}]; {Supported}");
        var s = node.Ints("strides", [1, 1]);
        if (s.Length != 2 || s[0] != s[1] || !strides.Contains(s[0]))
            throw node.Error($"strides [{string.Join(", ", s)}], expected [{string.Join(" or ", strides.Select(v => $"{v}, {v}"))}]; {Supported}");
        var autoPad = node.String("auto_pad", "NOTSET");
        if (autoPad is not ("NOTSET" or ""))
            throw node.Error($"auto_pad={autoPad} is not read; export with explicit pads");
        if (node.Int("ceil_mode", 0) != 0)
            throw node.Error("ceil_mode=1 pooling has no torchvision equivalent here");
        var pads = node.Ints("pads", [0, 0, 0, 0]);
        var endOk = (long end) => end == padding || (s[0] == 2 && end == padding - 1);
        if (pads.Length != 4 || pads[0] != padding || pads[1] != padding || !endOk(pads[2]) || !endOk(pads[3]))
            throw node.Error($"pads [{string.Join(", ", pads)}], expected [{padding}, {padding}, {padding}, {padding}]; {Supported}");
    }

    private static void CheckWindow(NodeProto node, long kernel, long stride, long padding) => CheckWindow(node, kernel, [stride], padding);

    /// <summary>The final pooling must produce the graph output: the pooled features (the file has no classifier head).</summary>
    private void FinishAtPool(NodeProto pool)
    {
        if (pool.OpType == "AveragePool" && pool.Ints("pads", [0, 0, 0, 0]).Any(p => p != 0))
            throw pool.Error("a padded average pool is not a global one; export the model with global average pooling");
        var output = pool.SingleOutput();
        if (!_graph.Outputs.Contains(output))
        {
            var next = _graph.ConsumersOf(output).FirstOrDefault();
            throw next is null
                ? pool.Error("its output is not a graph output")
                : next.Error($"nodes after the average pool (a classifier head) are not imported; import the feature extractor, which ends at the pooling");
        }
    }
}
