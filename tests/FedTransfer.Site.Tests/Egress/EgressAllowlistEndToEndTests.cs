using FedTransfer.Federation.Privacy;
using FedTransfer.Contracts.V1;
using FedTransfer.Federation.Ledger;
using FedTransfer.Site.Artifacts;
using FedTransfer.Site.Configuration;
using FedTransfer.Site.Egress;
using FedTransfer.Site.Ledger;
using FedTransfer.Site.Policy;
using FedTransfer.Site.Results;
using FedTransfer.Site.Tests.Support;
using FedTransfer.Site.Worker;
using FedTransfer.Weights.Adapters;
using FedTransfer.Weights.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

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
        // ...and the site recorded the refusal with its reason, in its log and in its ledger, and no upload for the task.
        Assert.Contains(reason, refused.Reason);
        Assert.Contains(site.GatewayLog.Entries, e => e.Level == LogLevel.Warning && e.Message.StartsWith("Egress refused", StringComparison.Ordinal) && e.Message.Contains(reason));
        var pushes = site.LedgerRecords().Where(r => r.Kind == "push" && r.TaskId == task.TaskId).ToList();
        var record = Assert.Single(pushes);
        Assert.Equal(LedgerFormat.Refused, record.Decision);
        Assert.Equal(refused.Reason, record.Reason);
        Assert.DoesNotContain(site.LedgerRecords(), r => r.Kind == "receipt");
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
        Assert.Equal(LedgerFormat.Sent, Assert.Single(site.LedgerRecords(), r => r.Kind == "push").Decision);
    }

    [Fact]
    public async Task PushResult_TheCoordinatorSignsTheDeclaredLedgerHead_SoAnAuditorFindsALedgerCutAfterIt()
    {
        // Arrange
        await using var coordinator = await RealCoordinator.StartAsync();
        await coordinator.StartRunAsync(roundTimeoutSeconds: 30);
        using var site = new LoopbackSite(coordinator.Address, SitePolicy.Permissive);
        var task = await site.NextTrainTaskAsync();

        // Act
        var receipt = await site.PushAsync(task, TestTasks.Payload(TestTasks.Delta()));

        // Assert: the receipt names the push record itself, and the ledger's copy of the receipt says the same.
        var records = site.LedgerRecords();
        var push = Assert.Single(records, r => r.Kind == "push");
        var lines = File.ReadAllLines(site.Ledger.Path);
        Assert.Equal((push.Sequence, LedgerFormat.Hash(System.Text.Encoding.UTF8.GetBytes(lines[push.Sequence]))), (receipt.LedgerHeadSeq, receipt.LedgerHeadSha256));
        Assert.Equal(new LedgerHead(receipt.LedgerHeadSeq, receipt.LedgerHeadSha256), records[^1].Receipt!.DeclaredLedgerHead);
        var reconciled = LedgerReconciler.Reconcile(site.Ledger.Path, coordinator.ReceiptLogPath, trust: null);
        Assert.True(reconciled.IsConsistent, reconciled.Refusal + string.Join("; ", reconciled.Mismatches.Select(m => m.Problem)));
        // ...and a copy of the ledger cut just before the push passes verification alone, but not against the receipts.
        var cut = Path.Combine(Path.GetDirectoryName(site.Ledger.Path)!, "cut.jsonl");
        File.WriteAllLines(cut, lines.Take((int)push.Sequence));
        var verification = new LedgerVerifier(null).Verify(cut);
        Assert.True(verification.IsValid, verification.Failure?.ToString());
        var finding = Assert.Single(DeclaredHeads.Check(verification, ReceiptLog.Read(coordinator.ReceiptLogPath), verification.SiteIdsFor(receipt.SiteId)));
        Assert.True(finding.Cut, finding.Problem);
        // The independent Python verifier reads what this site and coordinator wrote the same way.
        var whole = await FedTransfer.Tests.Shared.IndependentVerifier.RunAsync(site.Ledger.Path, "--receipts", coordinator.ReceiptLogPath);
        var cutCopy = await FedTransfer.Tests.Shared.IndependentVerifier.RunAsync(cut, "--receipts", coordinator.ReceiptLogPath, "--site", receipt.SiteId);
        Assert.True(whole.Code == 0, whole.Output);
        Assert.Equal(2, cutCopy.Code);
        Assert.Contains("cut", cutCopy.Output);
    }

    [Fact]
    public async Task TrainTask_UnderALocalPrivacyPolicy_CoordinatorAcceptsTheNoisedDeltaAndTheLedgerHoldsTheParameters()
    {
        // Arrange: the fake delta's norm (about 6) is above the clip norm, so clipping happens.
        await using var coordinator = await RealCoordinator.StartAsync();
        var run = await coordinator.StartRunAsync(roundTimeoutSeconds: 30);
        var policy = new SitePolicy([new FederationRule(coordinator.BackboneDigest, null, "lora", 4, null)], 40, new PrivacyParameters(0.5, 0.1));
        using var site = new LoopbackSite(coordinator.Address, policy);
        var task = await site.NextTrainTaskAsync();

        // Act
        await site.Runner.RunTrainAsync(task, _ => Task.CompletedTask, CancellationToken.None);
        var events = await coordinator.EventsToEndAsync(run.RunId, Timeout);

        // Assert: what the coordinator stored is the noised delta, not the trained one.
        Assert.Equal(ResultOutcome.Accepted, Assert.Single(events, e => e.EventCase == RunEvent.EventOneofCase.SiteUpdate).SiteUpdate.Outcome);
        var stored = SafeTensors.Read(await File.ReadAllBytesAsync(coordinator.Updates.PathOf(task.TaskId))).Tensors;
        Assert.NotEqual(TestTasks.Delta().SelectMany(t => t.ToSingles()), stored.SelectMany(t => t.ToSingles()));
        var push = Assert.Single(site.LedgerRecords(), r => r.Kind == "push");
        Assert.Equal(LedgerFormat.Sent, push.Decision);
        Assert.Equal(0.5, push.Privacy!.ClipNorm);
        Assert.Equal(0.1, push.Privacy.NoiseMultiplier);
        Assert.Equal(LocalPrivacy.GlobalNorm(TestTasks.Delta()), push.Privacy.NormBeforeClip, 6);
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
        var push = Assert.Single(site.LedgerRecords(), r => r.Kind == "push");
        Assert.Equal((LedgerFormat.Sent, "BackboneNotAllowed", 0L), (push.Decision, push.Declined, push.PayloadBytes));
        Assert.Null(push.Tensors);
    }

    [Fact]
    public async Task TrainTask_SiteCannotDoIt_DeclinesOnceWithTheTypedReasonAndTheRoundClosesWithoutReofferingIt()
    {
        // Arrange: the site's labels do not fit the task's head (issue 17, item 1: such a site retook the task 4,677
        // times in 30 s while the round waited out its timeout).
        await using var coordinator = await RealCoordinator.StartAsync();
        var run = await coordinator.StartRunAsync(roundTimeoutSeconds: 60);
        using var site = new LoopbackSite(coordinator.Address, SitePolicy.Permissive);
        site.Trainer.Failure = new FedTransfer.Site.Training.TaskNotFeasibleException(DeclineReason.LabelMismatch, "local labels go up to 9 but the task has 2 classes");
        var task = await site.NextTrainTaskAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        // Act
        await site.Runner.RunTrainAsync(task, _ => Task.CompletedTask, CancellationToken.None);
        var again = await site.Gateway.PullTaskAsync(new PullTaskRequest { SessionId = site.Gateway.SessionId!, MaxWaitMs = 300 }, Timeout, CancellationToken.None);
        var events = await coordinator.EventsToEndAsync(run.RunId, Timeout);

        // Assert: the coordinator recorded the typed reason, did not hand the task out again, and closed the round at once.
        var update = Assert.Single(events, e => e.EventCase == RunEvent.EventOneofCase.SiteUpdate).SiteUpdate;
        Assert.Equal(ResultOutcome.Rejected, update.Outcome);
        Assert.StartsWith("the site cannot do the task: its labels do not fit", update.Reason);
        Assert.NotEqual(PullTaskResponse.InstructionOneofCase.Train, again.InstructionCase);
        Assert.Equal(RunEvent.EventOneofCase.RunFailed, events[^1].EventCase);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the round waited {clock.Elapsed} instead of closing on the decline");
        Assert.Single(site.Trainer.TrainRequests);
        var push = Assert.Single(site.LedgerRecords(), r => r.Kind == "push");
        Assert.Equal((LedgerFormat.Sent, "LabelMismatch", 0L), (push.Decision, push.Declined, push.PayloadBytes));
    }

    /// <summary>The site's real parts (gateway over a gRPC channel, artifact cache, task runner) with a scripted trainer.</summary>
    private sealed class LoopbackSite : IDisposable
    {
        private readonly TempDirectory _dir = new();

        public LoopbackSite(Uri coordinator, SitePolicy policy)
        {
            var options = new SiteOptions { CoordinatorUrl = coordinator.ToString(), DisplayName = "clinic-a", DataDirectory = _dir.Path };
            Ledger = SiteLedger.Open(options, NullLogger<SiteLedger>.Instance);
            Gateway = EgressGateway.Connect(options, GatewayLog, policy, Ledger);
            Runner = new SiteTaskRunner(Gateway, new ArtifactCache(_dir.Combine("artifacts"), Gateway, GatewayLog), Trainer,
                new ReceiptStore(_dir.Combine("cache")), new ListLogger<SiteTaskRunner>(), policy, GaussianNoise.Seeded(1));
        }

        public ListLogger<EgressGateway> GatewayLog { get; } = new();
        public FakeTrainer Trainer { get; } = new();
        public EgressGateway Gateway { get; }
        public SiteTaskRunner Runner { get; }
        public SiteLedger Ledger { get; }

        /// <summary>The ledger's records as written so far.</summary>
        public List<LedgerRecord> LedgerRecords()
        {
            using var stream = new FileStream(Ledger.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return new StreamReader(stream).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => LedgerFormat.Parse(System.Text.Encoding.UTF8.GetBytes(line))).ToList();
        }

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
            Ledger.Dispose();
            _dir.Dispose();
        }
    }
}
