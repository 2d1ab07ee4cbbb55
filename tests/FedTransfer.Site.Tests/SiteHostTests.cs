using FedTransfer.Contracts.V1;
using FedTransfer.Federation.Updates;
using FedTransfer.Site.Configuration;
using FedTransfer.Site.Tests.Support;
using FedTransfer.Weights.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace FedTransfer.Site.Tests;

public sealed class SiteHostTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public void Build_CommandLineOverrides_WinOverTheConfigFile()
    {
        // Arrange
        var config = _dir.Combine("site.json");
        File.WriteAllText(config, """{ "Site": { "DisplayName": "from-file", "PollMaxWaitMs": 1234 } }""");

        // Act
        using var host = SiteHost.Build(["--Site:DisplayName=from-args", $"--Site:DataDirectory={_dir.Path}"], config);

        // Assert
        var options = host.Services.GetRequiredService<IOptions<SiteOptions>>().Value;
        Assert.Equal("from-args", options.DisplayName);
        Assert.Equal(1234, options.PollMaxWaitMs);
        Assert.Equal(_dir.Path, options.DataDirectory);
    }

    [Fact]
    public void Build_JsonFormatterSetting_IsNotOverriddenByTheSimpleDefault()
    {
        // Act
        using var plain = SiteHost.Build([$"--Site:DataDirectory={_dir.Path}"]);
        using var json = SiteHost.Build([$"--Site:DataDirectory={_dir.Path}", "--Logging:Console:FormatterName=json"]);

        // Assert: operators who ship logs to a collector ask for JSON lines by setting, as for any .NET host.
        Assert.Null(plain.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
        Assert.Equal("json", json.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
        Assert.True(plain.Services.GetRequiredService<IOptionsMonitor<SimpleConsoleFormatterOptions>>().CurrentValue.SingleLine);
    }

    [Fact]
    public void Build_MissingConfigFile_SaysWhichFile()
    {
        // Act
        var error = Assert.Throws<FileNotFoundException>(() => SiteHost.Build([], _dir.Combine("nope.json")));

        // Assert
        Assert.Contains("nope.json", error.Message);
    }

    [Fact]
    public async Task Start_InvalidSettings_FailsAtStartNamingEachKey()
    {
        // Arrange
        using var host = SiteHost.Build(["--Site:DisplayName=", "--Site:DataDirectory=/nonexistent/site-data", "--Site:Device=tpu"]);

        // Act
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        // Assert
        Assert.Contains(error.Failures, f => f.StartsWith("Site:DisplayName:", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Site:DataDirectory:", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Site:Device:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_MisspeltKey_FailsNamingTheNearestSetting()
    {
        // Arrange: the review's typo; without the check the site silently used its default data folder.
        using var host = SiteHost.Build(["--Site:DisplayName=clinic-a", $"--Site:DataDirectory={_dir.Path}", "--Site:DataDirecotry=/elsewhere"]);

        // Act
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        // Assert
        Assert.Contains("Site:DataDirecotry is not a setting; did you mean Site:DataDirectory? (a misspelt key is otherwise ignored)", error.Failures);
    }

    [Fact]
    public async Task Run_AgainstALoopbackCoordinator_JoinsTrainsPushesAValidDeltaAndStopsWhenTold()
    {
        // Arrange: a coordinator serving the tiny federation's artifacts, one train task, then stop.
        using var fed = new TinyFederation();
        await using var server = await LoopbackCoordinator.StartAsync();
        var backbone = await File.ReadAllBytesAsync(fed.BackbonePath);
        var adapter = await File.ReadAllBytesAsync(fed.AdapterPath);
        server.Artifacts[TestTasks.Sha256(backbone)] = backbone;
        server.Artifacts[TestTasks.Sha256(adapter)] = adapter;
        var task = new TrainTask
        {
            TaskId = "t-1", RunId = "r-1", Round = 1, AdapterSpec = TinyFederation.AdapterSpec, TaskSpec = TinyFederation.TaskSpec,
            Backbone = new ArtifactRef { Digest = TestTasks.Sha256(backbone), SizeBytes = backbone.Length },
            GlobalAdapter = new ArtifactRef { Digest = TestTasks.Sha256(adapter), SizeBytes = adapter.Length },
            HyperParameters = new HyperParameters { Epochs = 1, BatchSize = 16, LearningRate = 0.05, FedproxMu = 0.01, Seed = 5 },
            Trainable = new Contracts.V1.TrainableSet(),
        };
        task.Trainable.Tensors.AddRange(fed.Trainable.Select(t => new Contracts.V1.TensorSpec { Name = t.Name, Dtype = TensorDType.F32, Shape = { t.Shape } }));
        server.PullAnswers.Enqueue(new PullTaskResponse { Train = task });
        server.PullAnswers.Enqueue(new PullTaskResponse { Stop = new StopInstruction { Reason = "run finished" } });
        var cache = _dir.Combine("cache");

        // Act
        using var host = SiteHost.Build([
            $"--Site:CoordinatorUrl={server.Address}", "--Site:DisplayName=clinic-e2e", $"--Site:DataDirectory={fed.Options.DataDirectory}",
            "--Site:Device=cpu", "--Site:Threads=1", $"--Site:CacheDirectory={cache}", "--Logging:LogLevel:Default=Warning"]);
        await host.RunAsync().WaitAsync(TimeSpan.FromSeconds(60));

        // Assert
        var push = Assert.Single(server.Pushes);
        var delta = SafeTensors.Read(push.Payload);
        var verdict = new UpdateValidator(FedTransfer.Federation.Updates.TrainableSet.FromRecords(SafeTensors.ReadFile(fed.AdapterPath).Tensors))
            .Validate(delta.Tensors, push.Header.ExampleCount);
        Assert.True(verdict.IsValid, verdict.Reason);
        Assert.Equal(72, push.Header.ExampleCount);
        Assert.Equal("t-1", Assert.Single(new FedTransfer.Site.Results.ReceiptStore(cache).ReadAll()).TaskId);
        Assert.True(File.Exists(Path.Combine(cache, "artifacts", task.Backbone.Digest)));
        Assert.Equal(["FetchArtifact", "FetchArtifact", "Join", "PullTask", "PullTask", "PushResult"], server.Calls.Order());
    }

    public void Dispose() => _dir.Dispose();
}
