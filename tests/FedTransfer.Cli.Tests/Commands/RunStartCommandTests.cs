using FedTransfer.Cli.Tests.TestSupport;

namespace FedTransfer.Cli.Tests.Commands;

[Collection(CliCollection.Name)]
public sealed class RunStartCommandTests
{
    [Fact]
    public async Task Start_Quiet_PrintsOnlyTheRunId_SoScriptsCanChainCommands()
    {
        // Arrange
        await using var coordinator = await ScratchCoordinator.StartAsync();
        var (_, federation) = await CliRun.InvokeAsync("federation", "create", "--quiet", "--coordinator", coordinator.Url,
            "--backbone", coordinator.Backbone.Directory, "--adapter", "lora:r=2,alpha=4,targets=attn.qkv");

        // Act
        var (code, output) = await CliRun.InvokeAsync("run", "start", "--quiet", "--coordinator", coordinator.Url,
            "--federation", federation.Trim(), "--rounds", "2");

        // Assert
        Assert.True(code == 0, output);
        var id = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.DoesNotContain(' ', id);
        Assert.Equal(id, Assert.Single((await coordinator.StatusAsync()).Runs.Select(r => r.RunId)));
    }
}
