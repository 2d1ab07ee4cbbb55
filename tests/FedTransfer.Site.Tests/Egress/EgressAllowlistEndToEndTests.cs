using FedTransfer.Contracts.V1;
using FedTransfer.Site.Artifacts;
using FedTransfer.Site.Configuration;
using FedTransfer.Site.Egress;
using FedTransfer.Site.Policy;
using FedTransfer.Site.Results;
using FedTransfer.Site.Tests.Support;
using FedTransfer.Site.Worker;
using FedTransfer.Torch.Adapters;
using FedTransfer.Torch.Serialization;
using Microsoft.Extensions.Logging;

namespace FedTransfer.Site.Tests.Egress;

/// <summary>
/// Issue 5's allowlist test over real loopback gRPC against the real coordinator: a site that tries to send something
/// outside the allowlist gets nothing to the coordinator (asserted from the coordinator's own records: its run events and
/// its update files, which it keeps even for rejected results), and the refusal is recorded at the site. A control case
/// shows the same set-up does deliver an allowed delta, so the empty coordinator side is not an artefact of the rig.
/// </summary>
public sealed class EgressAllowlistEndToEndTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static TheoryData<string, byte[], string> OutsideTheAllowlist => new()
    {
        { "backbone weight", TestTasks.Payload([.. TestTasks.Delta(), TensorRecord.Create<float>("blocks.0.attn.qkv.weight", new float[8], 2, 4)]), "blocks.0.attn.qkv.weight" },
        { "wrong shape", TestTasks.Payload([TestTasks.Delta()[0], TensorRecord.Create<float>("lora.a", new float[8], 4, 2)]), "shape" },
        { "extra metadata", TestTasks.Payload(TestTasks.Delta(), new Dictionary<string, string> { ["note"] = "patient 17" }), "metadata" },
        { "wrong dtype", TestTasks.Payload([TestTasks.Delta()[0], TensorRecord.Create<double>("lora.a", new double[8], 2, 4)]), "lora.a" },
    };

    [Theory]
    [MemberData(nameof(OutsideTheAllowlist))]
    public async Task PushResult_OutsideTheAllowlist_NothingReachesTheCoordinatorAndTheRefusalIsRecorded(string what, byte[] payload, string reason)
    {
        // Arrange
        await using var coordinator = await RealCoordinator.StartAsync();
        var run = await coordinator.StartRunAsync(roundTimeoutSeconds: 1);
        using var site = new LoopbackSite(coordinator.Address, SitePolicy.Permissive);
        var task = await site.NextTrainTaskAsync();

        // Act
        var refused = await Assert.ThrowsAsync<EgressRefusedException>(() => site.PushAsync(task, payload));
        var events = await coordinator.EventsToEndAsync(run.RunId, Timeout);

        // Assert: the coordinator recorded no result of any kind, holds no payload for the task, and the round failed for
        // want of an answer.
        Assert.DoesNotContain(events, e => e.EventCase == RunEvent.EventOneofCase.SiteUpdate);
        Assert.False(File.Exists(coordinator.Updates.PathOf(task.TaskId)), $"{what}: a payload reached the coordinator");
        Assert.Equal(RunEvent.EventOneofCase.RunFailed, events[^1].EventCase);
        // ...and the site recorded the refusal with its reason.
        // LEDGER (at merge with branch `ledger`): also assert the site ledger's last entry for this task is decision
        // "refused" with this reason, kind PushResult, and that no entry says "sent".
        Assert.Contains(reason, refused.Reason);
        Assert.Contains(site.GatewayLog.Entries, e => e.Level == LogLevel.Warning && e.Message.StartsWith("Egress refused", StringComparison.Ordinal) && e.Message.Contains(reason));
    }

    [Fact]
    public async Task PushResult_AllowedDelta_ReachesTheCoordinatorAndIsAccepted()
    {
        // Arrange
        await using var coordinator = await RealCoordinator.StartAsync();
        var run = await coordinator.StartRunAsync(roundTimeoutSeconds: 30);
        using var site = new LoopbackSite(coordinator.Address, SitePolicy.Permissive);
        var task = await site.NextTrainTaskAsync();

        // Act
        var receipt = await site.PushAsync(task, TestTasks.Payload(TestTasks.Delta()));
        var events = await coordinator.EventsToEndAsync(run.RunId, Timeout);

        // Assert
        Assert.Equal(ResultOutcome.Accepted, receipt.Outcome);
        Assert.Equal(ResultOutcome.Accepted, Assert.Single(events, e => e.EventCase == RunEvent.EventOneofCase.SiteUpdate).SiteUpdate.Outcome);
        Assert.True(File.Exists(coordinator.Updates.PathOf(task.TaskId)));
        Assert.Equal(RunEvent.EventOneofCase.RunFinished, events[^1].EventCase);
    }

    [Fact]
    public async Task TrainTask_BackboneOutsideThePolicy_CoordinatorRecordsTheDeclineAndClosesTheRoundWithoutWaiting()
    {
        // Arrange: the site only joins federations over some other backbone; the round would wait 60 s for a timeout.
        await using var coordinator = await RealCoordinator.StartAsync();
        var run = await coordinator.StartRunAsync(roundTimeoutSeconds: 60);
        var policy = new SitePolicy([new FederationRule(TestTasks.Digest("another backbone"), AdapterSpec.Parse("lora:r=2"), null, null, null)], 0, null);
        using var site = new LoopbackSite(coordinator.Address, policy);
        var task = await site.NextTrainTaskAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        // Act
        await site.Runner.RunTrainAsync(task, _ => Task.CompletedTask, CancellationToken.None);
        var events = await coordinator.EventsToEndAsync(run.RunId, Timeout);

        // Assert
        Assert.Empty(site.Trainer.TrainRequests);
        var update = Assert.Single(events, e => e.EventCase == RunEvent.EventOneofCase.SiteUpdate).SiteUpdate;
        Assert.Equal(ResultOutcome.Rejected, update.Outcome);
        Assert.Equal("the site declined the task under its local policy: backbone not allowed", update.Reason);
        Assert.Equal(0, update.PayloadBytes);
        Assert.False(File.Exists(coordinator.Updates.PathOf(task.TaskId)));
        Assert.Equal(RunEvent.EventOneofCase.RunFailed, events[^1].EventCase);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the round waited {clock.Elapsed} instead of closing on the decline");
    }

    /// <summary>The site's real parts (gateway over a gRPC channel, artifact cache, task runner) with a scripted trainer.</summary>
    private sealed class LoopbackSite : IDisposable
    {
        private readonly TempDirectory _dir = new();

        public LoopbackSite(Uri coordinator, SitePolicy policy)
        {
            var options = new SiteOptions { CoordinatorUrl = coordinator.ToString(), DisplayName = "clinic-a", DataDirectory = _dir.Path };
            Gateway = EgressGateway.Connect(options, GatewayLog, policy);
            Runner = new SiteTaskRunner(Gateway, new ArtifactCache(_dir.Combine("artifacts"), Gateway, GatewayLog), Trainer,
                new ReceiptStore(_dir.Combine("cache")), new ListLogger<SiteTaskRunner>(), policy, GaussianNoise.Seeded(1));
        }

        public ListLogger<EgressGateway> GatewayLog { get; } = new();
        public FakeTrainer Trainer { get; } = new();
        public EgressGateway Gateway { get; }
        public SiteTaskRunner Runner { get; }

        public async Task<TrainTask> NextTrainTaskAsync()
        {
            await Gateway.JoinAsync(TestTasks.Join(), Timeout, CancellationToken.None);
            var deadline = DateTime.UtcNow + Timeout;
            while (DateTime.UtcNow < deadline)
            {
                var answer = await Gateway.PullTaskAsync(new PullTaskRequest { SessionId = Gateway.SessionId!, MaxWaitMs = 500 }, Timeout, CancellationToken.None);
                if (answer.InstructionCase == PullTaskResponse.InstructionOneofCase.Train) return answer.Train;
            }
            throw new TimeoutException("the coordinator handed out no train task");
        }

        /// <summary>Hands the gateway a payload for <paramref name="task"/>, as the task runner does with a trained delta.</summary>
        public Task<Receipt> PushAsync(TrainTask task, byte[] payload) => Gateway.PushResultAsync(new ResultHeader
        {
            SessionId = Gateway.SessionId!, TaskId = task.TaskId, Round = task.Round, ExampleCount = 40,
            PayloadEncoding = PayloadEncoding.Safetensors, Metrics = { ["train_loss"] = 0.5 },
        }, payload, CancellationToken.None);

        public void Dispose()
        {
            Gateway.Dispose();
            _dir.Dispose();
        }
    }
}
