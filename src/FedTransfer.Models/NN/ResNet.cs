using static TorchSharp.torch;

namespace FedTransfer.Models.NN;

/// <summary>
/// ResNet with basic blocks (He et al. 2016) in torchvision's naming, so torchvision checkpoints map by name:
/// stem <c>conv1</c> (7×7, stride 2), <c>bn1</c>, 3×3 max pool; stages <c>layer1</c>… of <see cref="ResNetBasicBlock"/>s
/// (each stage after the first halves the resolution and doubles the width); global average pool; head <c>fc</c>.
/// <see cref="ResNet18"/> is <c>[2, 2, 2, 2]</c> blocks at width 64.
/// </summary>
public sealed class ResNet : TransferModule
{
    /// <summary>Creates the network with <paramref name="blocks"/>[i] blocks in stage i+1.</summary>
    public ResNet(IReadOnlyList<int> blocks, int classes, int channels = 3, int width = 64) : base(nameof(ResNet))
    {
        ArgumentNullException.ThrowIfNull(blocks);
        if (blocks.Count == 0 || blocks.Any(b => b <= 0) || classes <= 0 || channels <= 0 || width <= 0)
            throw new ArgumentException($"ResNet needs at least one stage of positive block counts and positive classes, channels and width, got blocks=[{string.Join(", ", blocks)}], classes={classes}, channels={channels}, width={width}", nameof(blocks));
        AddChild("conv1", Layers.Conv2d(channels, width, 7, stride: 2, padding: 3, bias: false));
        AddChild("bn1", nn.BatchNorm2d(width));
        AddChild("maxpool", nn.MaxPool2d(3, stride: 2, padding: 1));
        long inChannels = width;
        for (var stage = 0; stage < blocks.Count; stage++)
        {
            var stageChannels = (long)width << stage;
            var stride = stage == 0 ? 1 : 2;
            var stageBlocks = Enumerable.Range(0, blocks[stage])
                .Select(i => (nn.Module<Tensor, Tensor>)new ResNetBasicBlock(i == 0 ? inChannels : stageChannels, stageChannels, i == 0 ? stride : 1))
                .ToList();
            AddChild($"layer{stage + 1}", new Sequential(stageBlocks));
            inChannels = stageChannels;
        }
        Features = inChannels;
        InputChannels = channels;
        AddChild("fc", new ClassificationHead(inChannels, classes));
    }

    /// <summary>ResNet-18: 11.7 M parameters at 1000 classes.</summary>
    public static ResNet ResNet18(int classes, int channels = 3) => new([2, 2, 2, 2], classes, channels);

    /// <summary>Channels of the input images.</summary>
    public int InputChannels { get; }

    /// <summary>Width of the pooled features fed to <c>fc</c>.</summary>
    public long Features { get; }

    /// <summary>Replaces the head (new task) and disposes the old one; returns the new head.</summary>
    public ClassificationHead ReplaceHead(ClassificationHead head)
    {
        if (head.Features != Features)
            throw new ArgumentException($"the new head takes {head.Features} features but this network produces {Features}", nameof(head));
        ReplaceChild("fc", head).Dispose();
        return head;
    }

    /// <summary>The pooled features [batch, features], before the head.</summary>
    public Tensor ForwardFeatures(Tensor images)
    {
        if (images.dim() != 4)
            throw new ArgumentException($"ResNet expects images [batch, channels, height, width], got [{string.Join(", ", images.shape)}]", nameof(images));
        var x = Child("maxpool").call(nn.functional.relu(Child("bn1").call(Child("conv1").call(images))));
        for (var stage = 1; TryChild($"layer{stage}") is { } layer; stage++)
            x = layer.call(x);
        return nn.functional.adaptive_avg_pool2d(x, [1, 1]).flatten(1);
    }

    /// <summary>Maps images to [batch, classes] logits.</summary>
    public override Tensor forward(Tensor input) => Child("fc").call(ForwardFeatures(input));
}
