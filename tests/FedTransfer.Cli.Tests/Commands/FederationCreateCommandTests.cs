using FedTransfer.Cli.Tests.TestSupport;

namespace FedTransfer.Cli.Tests.Commands;

[Collection(CliCollection.Name)]
public sealed class FederationCreateCommandTests
{
    [Fact]
    public async Task Create_Quiet_PrintsOnlyTheFederationId()
    {
        // Arrange
        await using var coordinator = await ScratchCoordinator.StartAsync();

        // Act
        var (code, output) = await CliRun.InvokeAsync("federation", "create", "--quiet", "--coordinator", coordinator.Url,
            "--backbone", coordinator.Backbone.Directory, "--adapter", "lora:r=2,alpha=4,targets=attn.qkv");

        // Assert
        Assert.True(code == 0, output);
        var id = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.DoesNotContain(' ', id);
        Assert.Equal(id, Assert.Single((await coordinator.StatusAsync()).Federations.Select(f => f.FederationId)));
    }
}
