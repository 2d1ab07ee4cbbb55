using FedTransfer.Cli.Tests.TestSupport;

namespace FedTransfer.Cli.Tests.Commands;

[Collection(CliCollection.Name)]
public sealed class RunStartCommandTests
{
    [Fact]
    public async Task Help_DescribesUpdateEncodingsAndLoraAggregation()
    {
        var (code, output) = await CliRun.InvokeAsync("run", "start", "--help");

        Assert.Equal(0, code);
        Assert.Contains("--update-encoding", output);
        Assert.Contains("bfloat16", output);
        Assert.Contains("agg=exact", output);
    }

    [Fact]
    public async Task UnknownUpdateEncoding_FailsWithOneLineBeforeConnecting()
    {
        // Port 1 on loopback: nothing listens, so reaching the network would be a different error.
        var (code, output) = await CliRun.InvokeAsync("run", "start", "--federation", "fed-1", "--update-encoding", "int4",
            "--coordinator", "http://127.0.0.1:1");

        Assert.NotEqual(0, code);
        // The console wraps long lines: check the parts.
        Assert.Contains("unknown update encoding 'int4'", output);
        Assert.Contains("int8", output);
    }

    [Fact]
    public async Task BadCentralDp_FailsWithOneLineBeforeConnecting()
    {
        var (code, output) = await CliRun.InvokeAsync("run", "start", "--federation", "fed-1", "--central-dp-clip", "1",
            "--central-dp-noise-multiplier", "0", "--central-dp-epsilon-budget", "3", "--coordinator", "http://127.0.0.1:9");

        Assert.Equal(1, code);
        Assert.Contains("--central-dp-noise-multiplier must be a positive number", output.Replace("\r", "").Replace("\n", ""));
    }

    [Theory]
    [InlineData("krum", "f=two", "error: krum setting 'f' must be a whole number in [0, 1000], got 'two'")]
    [InlineData("fedadam", "momentum=0.9", "error: unknown fedadam setting 'momentum'; known settings: eta, beta1, beta2, tau, accept_failures, clip_norm")]
    [InlineData("fedyogi", "eta", "error: setting 'eta' is not key=value; e.g. --setting server_lr=0.5")]
    [InlineData("fedsgd", "eta=1", "error: unknown strategy 'fedsgd'; available: fedavg, fedavgm, fedprox, fedadagrad, fedadam, fedyogi, median, trimmed_mean, krum, multikrum")]
    public async Task Invoke_BadStrategySetting_FailsWithOneLineBeforeConnecting(string strategy, string setting, string message)
    {
        // Arrange: port 9 on loopback has no coordinator, so reaching the network would give a different error.
        string[] args = ["run", "start", "--federation", "fed-1", "--strategy", strategy, "--setting", setting, "--coordinator", "http://127.0.0.1:9"];

        // Act
        var (code, output) = await CliRun.InvokeAsync(args);

        // Assert
        Assert.Equal(1, code);
        Assert.Equal(message, output.Replace("\r", "").Replace("\n", "").Trim()); // the test console wraps at 80 columns
    }

    [Fact]
    public async Task Help_ListsEveryStrategyWithItsSettings()
    {
        // Act
        var (code, output) = await CliRun.InvokeAsync("run", "start", "--help");

        // Assert
        Assert.Equal(0, code);
        Assert.Contains("fedavg, fedavgm, fedprox, fedadagrad, fedadam, fedyogi, median, trimmed_mean, krum, multikrum", output);
        Assert.Contains("clip_norm", output);
        Assert.Contains("trimmed_mean: beta=0.2", output);
    }

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
