using FedTransfer.Weights.Adapters;
using FedTransfer.Models.Training;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.Training;

public sealed class TrainingModeTests
{
    [Theory]
    [InlineData("lora", TrainingMode.Lora)]
    [InlineData("Head-Only", TrainingMode.HeadOnly)]
    [InlineData(" scratch ", TrainingMode.Scratch)]
    public void Parse_CliName_GivesMode(string text, TrainingMode expected)
    {
        Assert.Equal(expected, TrainingModes.Parse(text));
    }

    [Theory]
    [InlineData("lora:r=2", TrainingMode.Lora)]
    [InlineData("bottleneck:reduction=4", TrainingMode.Bottleneck)]
    [InlineData("head-only", TrainingMode.HeadOnly)]
    [InlineData("full", TrainingMode.Full)]
    public void Of_AdapterSpec_GivesTheModeThatTrainsIt(string spec, TrainingMode expected)
    {
        Assert.Equal(expected, TrainingModes.Of(FedTransfer.Weights.Adapters.AdapterSpec.Parse(spec)));
    }

    [Fact]
    public void Parse_Unknown_ListsValidNames()
    {
        var error = Assert.Throws<FormatException>(() => TrainingModes.Parse("adapter"));

        Assert.Contains("lora, bottleneck, head-only, full, scratch", error.Message);
    }

    [Fact]
    public void ToName_EveryMode_RoundTrips()
    {
        foreach (var mode in Enum.GetValues<TrainingMode>())
            Assert.Equal(mode, TrainingModes.Parse(mode.ToName()));
    }
}
