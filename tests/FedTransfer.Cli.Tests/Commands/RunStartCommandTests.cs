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

    [Fact]
    public async Task Start_WaitForSites_StartsOnlyOnceEnoughSitesJoined()
    {
        // Arrange
        await using var coordinator = await ScratchCoordinator.StartAsync();
        var (_, federation) = await CliRun.InvokeAsync("federation", "create", "--quiet", "--coordinator", coordinator.Url,
            "--backbone", coordinator.Backbone.Directory, "--adapter", "lora:r=2,alpha=4,targets=attn.qkv");

        // Act: the command waits; a site joins a moment later.
        var start = CliRun.InvokeAsync("run", "start", "--quiet", "--coordinator", coordinator.Url, "--federation", federation.Trim(),
            "--wait-for-sites", "1", "--wait-timeout", "60");
        await Task.Delay(1500);
        var runsBeforeJoin = (await coordinator.StatusAsync()).Runs.Count;
        await coordinator.JoinSiteAsync("clinic-a");
        var (code, output) = await start.WaitAsync(TimeSpan.FromSeconds(60));

        // Assert
        Assert.Equal(0, runsBeforeJoin);
        Assert.True(code == 0, output);
        Assert.Equal(output.Trim(), Assert.Single((await coordinator.StatusAsync()).Runs).RunId);
    }

    [Fact]
    public async Task Start_WaitForSitesTimesOut_SaysHowManyWereOnline()
    {
        // Arrange
        await using var coordinator = await ScratchCoordinator.StartAsync();

        // Act
        var (code, output) = await CliRun.InvokeAsync("run", "start", "--coordinator", coordinator.Url, "--federation", "fed-none",
            "--wait-for-sites", "2", "--wait-timeout", "1");

        // Assert
        Assert.Equal(1, code);
        Assert.Contains("only 0 of 2 sites were online after 1 s", output);
    }
}
