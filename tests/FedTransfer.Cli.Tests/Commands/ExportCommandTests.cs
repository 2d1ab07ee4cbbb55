using FedTransfer.Cli.Commands;

namespace FedTransfer.Cli.Tests.Commands;

public sealed class ExportCommandTests
{
    [Fact]
    public void DescribeMerge_FoldedLora_SaysItIsAPlainModel()
    {
        // Act
        var text = ExportCommand.DescribeMerge(new Dictionary<string, string> { ["fedtransfer.merge"] = "lora-folded" });

        // Assert
        Assert.Contains("LoRA is folded into the base weights", text);
        Assert.Contains("no adapter tensors", text);
    }

    [Fact]
    public void DescribeMerge_Bottleneck_SaysItCannotBeFoldedAndHowToLoadIt()
    {
        // Act
        var text = ExportCommand.DescribeMerge(new Dictionary<string, string>
        {
            ["fedtransfer.merge"] = "bottleneck-not-foldable", ["fedtransfer.adapter_spec"] = "bottleneck:reduction=16",
        });

        // Assert
        Assert.Contains("cannot be folded", text);
        Assert.Contains("'bottleneck:reduction=16'", text);
    }
}
