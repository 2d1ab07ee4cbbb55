using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Persistence;
using FedTransfer.Coordinator.Tests.Runs;
using FedTransfer.Coordinator.Tests.Support;
using FedTransfer.Federation.Updates;
using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;
using Grpc.Core;

namespace FedTransfer.Coordinator.Tests.Services;

public sealed class ResultIntakeTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private TestCoordinator _coordinator = null!;
    private readonly IReadOnlyList<TensorRecord> _initial = Tensors.Random(1);
    private readonly List<FakeSite> _sites = [];

    public async Task InitializeAsync() => _coordinator = await TestCoordinator.StartAsync(_temp.Path);

    public async Task DisposeAsync()
    {
        foreach (var site in _sites) site.Dispose();
        await _coordinator.DisposeAsync();
        _temp.Dispose();
    }

    private async Task<(RunInfo Run, List<(FakeSite Site, TrainTask Task)> Tasks)> StartRoundAsync(int siteCount, int minSites, int timeoutSeconds = 60,
        UpdateEncoding encoding = UpdateEncoding.Float32)
    {
        var federation = await AdminClient.CreateFederationAsync(_coordinator.Channel, Tensors.Bytes(_initial));
        for (var i = 0; i < siteCount; i++) _sites.Add(await FakeSite.JoinAsync(_coordinator.Address, $"site-{i}", 100 + 10 * i));
        var run = await AdminClient.StartRunAsync(_coordinator.Channel, federation.FederationId, rounds: 1, minSites, roundTimeoutSeconds: timeoutSeconds, encoding: encoding);
        var tasks = new List<(FakeSite, TrainTask)>();
        foreach (var site in _sites) tasks.Add((site, await site.NextTrainAsync()));
        return (run, tasks);
    }

    [Fact]
    public async Task DuplicateUpload_AcceptedOnceAndCountedOnce()
    {
        var (run, tasks) = await StartRoundAsync(2, 2);
        var deltaA = Tensors.Random(10, 0.1f);
        var deltaB = Tensors.Random(11, 0.1f);

        var first = await tasks[0].Site.PushAsync(tasks[0].Task.TaskId, 1, 40, Tensors.Bytes(deltaA));
        var again = await tasks[0].Site.PushAsync(tasks[0].Task.TaskId, 1, 40, Tensors.Bytes(deltaA));
        await tasks[1].Site.PushAsync(tasks[1].Task.TaskId, 1, 160, Tensors.Bytes(deltaB));
        var status = await RunDriverTests.WaitForRoundAsync(_coordinator, run.RunId, 1);

        Assert.Equal(ResultOutcome.Accepted, first.Outcome);
        Assert.False(first.Duplicate);
        Assert.True(again.Duplicate);
        Assert.Equal(first.ReceivedUnixMs, again.ReceivedUnixMs);
        Assert.Equal(ResultOutcome.Accepted, again.Outcome);
        var global = SafeTensors.Read(await AdminClient.DownloadAsync(_coordinator.Channel, status.CurrentAdapter.Digest)).Tensors;
        Tensors.AssertClose(Tensors.NaiveFedAvg(_initial, [(deltaA, 40), (deltaB, 160)]), global);
    }

    [Fact]
    public async Task BadUpdates_RejectedWithReasonRecordedAndRoundProceeds()
    {
        var (run, tasks) = await StartRoundAsync(6, 2);
        var good1 = Tensors.Random(20, 0.1f);
        var good2 = Tensors.Random(21, 0.1f);
        var wrongName = Tensors.Replace(Tensors.Random(22, 0.1f), "head.bias", t => t with { Name = "head.bias_typo" });
        var wrongShape = Tensors.Replace(Tensors.Random(23, 0.1f), "head.weight", t => TensorRecord.FromSingles(t.Name, new float[120], DType.Float32, 24, 5));
        var withNaN = Tensors.Replace(Tensors.Random(24, 0.1f), "blocks.0.attn.qkv.lora_b", t =>
        {
            var values = t.ToSingles();
            values[17] = float.NaN;
            return TensorRecord.FromSingles(t.Name, values, t.DType, t.Shape);
        });

        var receipts = new[]
        {
            await tasks[0].Site.PushAsync(tasks[0].Task.TaskId, 1, 30, Tensors.Bytes(good1)),
            await tasks[1].Site.PushAsync(tasks[1].Task.TaskId, 1, 70, Tensors.Bytes(good2)),
            await tasks[2].Site.PushAsync(tasks[2].Task.TaskId, 1, 50, Tensors.Bytes(wrongName)),
            await tasks[3].Site.PushAsync(tasks[3].Task.TaskId, 1, 50, Tensors.Bytes(wrongShape)),
            await tasks[4].Site.PushAsync(tasks[4].Task.TaskId, 1, 50, Tensors.Bytes(withNaN)),
            await tasks[5].Site.PushAsync(tasks[5].Task.TaskId, 1, -5, Tensors.Bytes(Tensors.Random(25, 0.1f))),
        };
        var status = await RunDriverTests.WaitForRoundAsync(_coordinator, run.RunId, 1);

        Assert.Equal([ResultOutcome.Accepted, ResultOutcome.Accepted], receipts[..2].Select(r => r.Outcome));
        Assert.All(receipts[2..], r => Assert.Equal(ResultOutcome.Rejected, r.Outcome));
        Assert.Contains("'head.bias'", receipts[2].Reason);
        Assert.Contains("'head.bias_typo'", receipts[2].Reason);
        Assert.Contains("'head.weight' has shape [24, 5], expected [5, 24]", receipts[3].Reason);
        Assert.Contains("'blocks.0.attn.qkv.lora_b' element 17 is NaN", receipts[4].Reason);
        Assert.Contains("example count must be greater than 0, got -5", receipts[5].Reason);
        var recorded = _coordinator.Get<TaskStore>().UpdatesForRound(run.RunId, 1, RowValues.Train);
        Assert.Equal(4, recorded.Count(u => u.Outcome == RowValues.Rejected && u.Reason.Length > 0));
        var global = SafeTensors.Read(await AdminClient.DownloadAsync(_coordinator.Channel, status.CurrentAdapter.Digest)).Tensors;
        Tensors.AssertClose(Tensors.NaiveFedAvg(_initial, [(good1, 30), (good2, 70)]), global);
        var events = await AdminClient.WatchToEndAsync(_coordinator.Channel, run.RunId);
        Assert.Equal(RunEvent.EventOneofCase.RunFinished, events[^1].EventCase);
        var completed = events.Single(e => e.EventCase == RunEvent.EventOneofCase.RoundCompleted).RoundCompleted;
        Assert.Equal((2, 4), (completed.Accepted, completed.Rejected));
    }

    [Fact]
    public async Task Int8Run_EncodedUpdatesAreDequantisedBeforeAveraging()
    {
        var (run, tasks) = await StartRoundAsync(2, 2, encoding: UpdateEncoding.AffineInt8);
        var deltaA = Tensors.Random(40, 0.1f);
        var deltaB = Tensors.Random(41, 0.1f);
        var encodedA = DeltaCodec.Encode(deltaA, DeltaEncoding.AffineInt8);
        var encodedB = DeltaCodec.Encode(deltaB, DeltaEncoding.AffineInt8);

        Assert.All(tasks, t => Assert.Equal(UpdateEncoding.AffineInt8, t.Task.UpdateEncoding));
        var first = await tasks[0].Site.PushAsync(tasks[0].Task.TaskId, 1, 40, encodedA.Serialize(), encoding: UpdateEncoding.AffineInt8);
        var second = await tasks[1].Site.PushAsync(tasks[1].Task.TaskId, 1, 160, encodedB.Serialize(), encoding: UpdateEncoding.AffineInt8);
        var status = await RunDriverTests.WaitForRoundAsync(_coordinator, run.RunId, 1);

        Assert.Equal((ResultOutcome.Accepted, ResultOutcome.Accepted), (first.Outcome, second.Outcome));
        Assert.Equal(UpdateEncoding.AffineInt8, status.Settings.UpdateEncoding);
        // The aggregate is FedAvg of what the int8 payloads say (their dequantised values), to float rounding.
        var global = SafeTensors.Read(await AdminClient.DownloadAsync(_coordinator.Channel, status.CurrentAdapter.Digest)).Tensors;
        Tensors.AssertClose(Tensors.NaiveFedAvg(_initial, [(Dequantised(encodedA), 40), (Dequantised(encodedB), 160)]), global);
        Assert.All(global, t => Assert.Equal(DType.Float32, t.DType));
    }

    [Fact]
    public async Task Int8Run_OtherEncodingsAreRejectedSayingWhy()
    {
        var (_, tasks) = await StartRoundAsync(3, 1, encoding: UpdateEncoding.AffineInt8);
        var delta = Tensors.Random(42, 0.1f);

        var asFloat32 = await tasks[0].Site.PushAsync(tasks[0].Task.TaskId, 1, 10, Tensors.Bytes(delta), encoding: UpdateEncoding.AffineInt8);
        var mislabelled = await tasks[1].Site.PushAsync(tasks[1].Task.TaskId, 1, 10,
            DeltaCodec.Encode(delta, DeltaEncoding.AffineInt8).Serialize(), encoding: UpdateEncoding.Float32);
        var noMetadata = await tasks[2].Site.PushAsync(tasks[2].Task.TaskId, 1, 10,
            Tensors.Bytes(DeltaCodec.Encode(delta, DeltaEncoding.AffineInt8).Tensors), encoding: UpdateEncoding.AffineInt8);

        Assert.Equal(ResultOutcome.Rejected, asFloat32.Outcome);
        Assert.Contains("U8", asFloat32.Reason);
        Assert.Equal(ResultOutcome.Rejected, mislabelled.Outcome);
        Assert.Contains("declares update encoding float32 but run", mislabelled.Reason);
        Assert.Equal(ResultOutcome.Rejected, noMetadata.Outcome);
        Assert.Contains("lacks its metadata", noMetadata.Reason);
    }

    [Fact]
    public async Task ResultsBreakingTheSitesOwnRules_AreRejectedOnTheCoordinatorToo()
    {
        // The review's client skipped the site's egress rules; the coordinator stored both of these.
        var (_, tasks) = await StartRoundAsync(2, 1);
        var delta = Tensors.Random(42, 0.1f);

        var secretMetric = await tasks[0].Site.PushAsync(tasks[0].Task.TaskId, 1, 10, Tensors.Bytes(delta),
            new Dictionary<string, double> { ["train_loss"] = 0.5, ["secret_patient_count"] = 17 });
        var freeText = await tasks[1].Site.PushAsync(tasks[1].Task.TaskId, 1, 10,
            SafeTensors.Serialize(delta, new Dictionary<string, string> { ["note"] = "patient 17, ward B" }));

        Assert.Equal(ResultOutcome.Rejected, secretMetric.Outcome);
        Assert.Contains("metric 'secret_patient_count' is not allowed", secretMetric.Reason);
        Assert.Equal(ResultOutcome.Rejected, freeText.Outcome);
        Assert.Contains("carries metadata (note); a delta may hold tensors only", freeText.Reason);
    }

    private static IReadOnlyList<TensorRecord> Dequantised(EncodedDelta encoded)
    {
        var (parameters, _) = AffineInt8.ReadMetadata(encoded.Metadata, encoded.Tensors.Select(t => t.Name));
        return encoded.Tensors.Select(t =>
        {
            var values = new float[t.NumElements];
            AffineInt8.Dequantize(t.Data.Span, parameters![t.Name].Scale, parameters[t.Name].ZeroPoint, values);
            return TensorRecord.FromSingles(t.Name, values, DType.Float32, t.Shape);
        }).ToArray();
    }

    [Theory]
    [InlineData(DeclineReason.LabelMismatch, "the site cannot do the task: its labels do not fit the task's classes")]
    [InlineData(DeclineReason.NonFiniteLoss, "the site cannot do the task: training diverged (non-finite loss)")]
    [InlineData(DeclineReason.OutOfMemory, "the site cannot do the task: it ran out of memory")]
    [InlineData(DeclineReason.IncompatibleBackbone, "the site cannot do the task: it cannot build this backbone")]
    [InlineData(DeclineReason.InvalidTask, "the site cannot do the task: its hyper-parameters or task spec")]
    [InlineData(DeclineReason.LocalFault, "the site cannot do the task: a local fault")]
    [InlineData((DeclineReason)77, "the site declined the task (reason code 77)")]
    public async Task Decline_TypedReason_IsRecordedWithItsExplanationAndTheTaskIsNotOfferedAgain(DeclineReason reason, string expected)
    {
        var (_, tasks) = await StartRoundAsync(2, 1, timeoutSeconds: 600);

        var declined = await tasks[0].Site.PushAsync(tasks[0].Task.TaskId, 1, 0, null, declined: reason);
        var next = await tasks[0].Site.PullAsync(maxWaitMs: 200);

        Assert.Equal(ResultOutcome.Rejected, declined.Outcome);
        Assert.StartsWith(expected, declined.Reason);
        Assert.Equal(PullTaskResponse.InstructionOneofCase.Wait, next.InstructionCase);
    }

    [Fact]
    public async Task Decline_CountsAsAnAnswerWithoutResult_SoTheRoundClosesWithoutWaitingForTheTimeout()
    {
        var (run, tasks) = await StartRoundAsync(2, 1, timeoutSeconds: 600);
        var good = Tensors.Random(40, 0.1f);

        var declined = await tasks[0].Site.PushAsync(tasks[0].Task.TaskId, 1, 0, null, declined: DeclineReason.TooFewExamples);
        var accepted = await tasks[1].Site.PushAsync(tasks[1].Task.TaskId, 1, 60, Tensors.Bytes(good));
        var events = await AdminClient.WatchToEndAsync(_coordinator.Channel, run.RunId, TimeSpan.FromSeconds(30));

        Assert.Equal(ResultOutcome.Rejected, declined.Outcome);
        Assert.Equal("the site declined the task under its local policy: too few local examples", declined.Reason);
        Assert.Equal(ResultOutcome.Accepted, accepted.Outcome);
        Assert.Equal(RunEvent.EventOneofCase.RunFinished, events[^1].EventCase);
        var completed = events.Single(e => e.EventCase == RunEvent.EventOneofCase.RoundCompleted).RoundCompleted;
        Assert.Equal((1, 1), (completed.Accepted, completed.Rejected));
    }

    [Fact]
    public async Task Decline_WithAPayload_IsInvalidArgument()
    {
        var (_, tasks) = await StartRoundAsync(1, 1);

        var error = await Assert.ThrowsAsync<RpcException>(() => tasks[0].Site.PushAsync(tasks[0].Task.TaskId, 1, 10,
            Tensors.Bytes(Tensors.Random(41, 0.1f)), declined: DeclineReason.BackboneNotAllowed));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("declined task is answered without a payload", error.Message);
    }

    [Fact]
    public async Task DigestMismatch_IsDataLossAndARetryIsAccepted()
    {
        var (_, tasks) = await StartRoundAsync(1, 1);
        var payload = Tensors.Bytes(Tensors.Random(30, 0.1f));

        var error = await Assert.ThrowsAsync<RpcException>(() => tasks[0].Site.PushAsync(tasks[0].Task.TaskId, 1, 10, payload, declaredSha: new string('a', 64)));
        var retry = await tasks[0].Site.PushAsync(tasks[0].Task.TaskId, 1, 10, payload);

        Assert.Equal(StatusCode.DataLoss, error.StatusCode);
        Assert.Contains("send it again", error.Status.Detail);
        Assert.Equal(ResultOutcome.Accepted, retry.Outcome);
    }

    [Fact]
    public async Task DigestMismatch_LeavesNoPayloadFileBehind()
    {
        var (_, tasks) = await StartRoundAsync(1, 1);
        var payload = Tensors.Bytes(Tensors.Random(31, 0.1f));

        await Assert.ThrowsAsync<RpcException>(() => tasks[0].Site.PushAsync(tasks[0].Task.TaskId, 1, 10, payload, declaredSha: new string('b', 64)));

        var updates = Path.Combine(_temp.Path, "updates");
        Assert.Empty(Directory.EnumerateFiles(updates, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Upload_IsSpooledToDiskChunkByChunk_NotBufferedWhole()
    {
        // Each chunk is sent only once the coordinator's spool file holds every chunk before the previous one: an intake
        // that buffered the payload in memory (and wrote it at the end) never lets the upload finish.
        // 1 MiB of payload in 128 KiB chunks (above the spool file's 64 KiB write buffer, so each chunk reaches the file
        // when written). Its tensor is not in the trainable set: spooling happens before validation, which then rejects it.
        var (_, tasks) = await StartRoundAsync(1, 1);
        var payload = Tensors.Bytes(Tensors.Random(32, 0.1f, [("big", DType.Float32, [256, 1024])]));
        const int chunk = 128 * 1024;
        var spool = Path.Combine(_temp.Path, "updates", "tmp");
        var spooledBeforeChunk = new List<long>();

        var receipt = await tasks[0].Site.PushAsync(tasks[0].Task.TaskId, 1, 10, payload, null, chunk, null, async index =>
        {
            if (index >= 2) await WaitForSpoolAsync(spool, (index - 1L) * chunk);
            spooledBeforeChunk.Add(SpoolLength(spool));
        });

        Assert.Equal(ResultOutcome.Rejected, receipt.Outcome);
        Assert.True(payload.Length > 4 * chunk, "the payload must span several chunks for this test to mean anything");
        Assert.All(spooledBeforeChunk.Skip(2).Select((length, i) => (length, i: i + 2)), s => Assert.True(s.length >= (s.i - 1L) * chunk));
        Assert.Empty(Directory.EnumerateFiles(spool));
    }

    private static long SpoolLength(string spool) => Directory.EnumerateFiles(spool, "*.partial").Sum(f => new FileInfo(f).Length);

    private static async Task WaitForSpoolAsync(string spool, long bytes)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (SpoolLength(spool) < bytes)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the spool file never reached {bytes} bytes while the upload was in progress");
            await Task.Delay(5);
        }
    }

    [Fact]
    public async Task ProtocolErrors_GetClearStatuses()
    {
        var (_, tasks) = await StartRoundAsync(2, 2);
        var payload = Tensors.Bytes(Tensors.Random(31, 0.1f));

        var unknownTask = await Assert.ThrowsAsync<RpcException>(() => tasks[0].Site.PushAsync("task-nope", 1, 10, payload));
        var othersTask = await Assert.ThrowsAsync<RpcException>(() => tasks[0].Site.PushAsync(tasks[1].Task.TaskId, 1, 10, payload));
        var wrongRound = await Assert.ThrowsAsync<RpcException>(() => tasks[0].Site.PushAsync(tasks[0].Task.TaskId, 2, 10, payload));
        var noPayload = await Assert.ThrowsAsync<RpcException>(() => tasks[0].Site.PushAsync(tasks[0].Task.TaskId, 1, 10, null));

        Assert.Equal(StatusCode.NotFound, unknownTask.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, othersTask.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, wrongRound.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, noPayload.StatusCode);
        Assert.Contains("SAFETENSORS", noPayload.Status.Detail);
    }
}
