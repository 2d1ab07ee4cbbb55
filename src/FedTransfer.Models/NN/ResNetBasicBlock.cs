using static TorchSharp.torch;

namespace FedTransfer.Models.NN;

/// <summary>
/// The residual block of ResNet-18/34 (He et al. 2016), in torchvision's naming: <c>conv1</c>, <c>bn1</c>, <c>conv2</c>,
/// <c>bn2</c> and, where the shape changes, <c>downsample.0</c> (1×1 conv) and <c>downsample.1</c> (batch norm).
/// Computes <c>relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))</c>.
/// </summary>
public sealed class ResNetBasicBlock : TransferModule
{
    /// <summary>Creates a block from <paramref name="inChannels"/> to <paramref name="channels"/>, striding the first conv.</summary>
    public ResNetBasicBlock(long inChannels, long channels, long stride = 1) : base(nameof(ResNetBasicBlock))
    {
        AddChild("conv1", Layers.Conv2d(inChannels, channels, 3, stride, padding: 1, bias: false));
        AddChild("bn1", nn.BatchNorm2d(channels));
        AddChild("conv2", Layers.Conv2d(channels, channels, 3, 1, padding: 1, bias: false));
        AddChild("bn2", nn.BatchNorm2d(channels));
        if (stride != 1 || inChannels != channels)
            AddChild("downsample", new Sequential([Layers.Conv2d(inChannels, channels, 1, stride, bias: false), nn.BatchNorm2d(channels)]));
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var h = nn.functional.relu(Child("bn1").call(Child("conv1").call(input)));
        h = Child("bn2").call(Child("conv2").call(h));
        var shortcut = TryChild("downsample") is { } downsample ? downsample.call(input) : input;
        return nn.functional.relu(h.add_(shortcut));
    }
}
