using FedTransfer.Federation.Privacy;
using FedTransfer.Contracts.V1;
using Grpc.Core;
using FedTransfer.Site.Policy;
using FedTransfer.Site.Training;
using FedTransfer.Site.Tests.Support;
using FedTransfer.Weights;
using FedTransfer.Weights.Adapters;
using FedTransfer.Weights.Serialization;
using Microsoft.Extensions.Logging;

namespace FedTransfer.Site.Tests.Worker;

public sealed class SiteTaskRunnerTests : IDisposable
{
    private readonly SiteRig _rig = new();

    private static Task Rejoin(CancellationToken _) => Task.CompletedTask;

    [Fact]
    public async Task RunTrain_FetchesTrainsAndPushesTheDeltaThenKeepsTheReceipt()
    {
        // Arrange
        await _rig.JoinAsync();
        await _rig.ReceiveAsync(TestTasks.AsInstruction(TestTasks.Train()));

        // Act
        await _rig.Runner.RunTrainAsync(TestTasks.Train(), Rejoin, CancellationToken.None);

        // Assert
        var request = Assert.Single(_rig.Trainer.TrainRequests);
        Assert.Equal("backbone"u8.ToArray(), await File.ReadAllBytesAsync(request.BackbonePath));
        Assert.Equal(["head.bias", "lora.a"], request.Trainable.Select(t => t.Name));
        Assert.Equal(7, request.HyperParameters.Seed);
        var (header, payload) = Assert.Single(_rig.Transport.Pushes);
        Assert.Equal(TestTasks.Payload(TestTasks.Delta()), payload);
        Assert.Equal(40, header.ExampleCount);
        Assert.Equal(PayloadEncoding.Safetensors, header.PayloadEncoding);
        Assert.Equal("task-1", Assert.Single(_rig.Receipts.ReadAll()).TaskId);
    }

    [Theory]
    [InlineData(UpdateEncoding.Float16, DType.Float16)]
    [InlineData(UpdateEncoding.Bfloat16, DType.BFloat16)]
    [InlineData(UpdateEncoding.AffineInt8, DType.UInt8)]
    public async Task RunTrain_TaskWithAnUpdateEncoding_PushesTheEncodedDeltaAndEchoesIt(UpdateEncoding encoding, DType wire)
    {
        // Arrange
        var task = TestTasks.Train();
        task.UpdateEncoding = encoding;
        await _rig.JoinAsync();
        await _rig.ReceiveAsync(TestTasks.AsInstruction(task));

        // Act
        await _rig.Runner.RunTrainAsync(task, Rejoin, CancellationToken.None);

        // Assert
        var (header, payload) = Assert.Single(_rig.Transport.Pushes);
        Assert.Equal(encoding, header.UpdateEncoding);
        var file = SafeTensors.Read(payload);
        Assert.All(file.Tensors, t => Assert.Equal(wire, t.DType));
        Assert.Equal(encoding == UpdateEncoding.AffineInt8 ? 4 : 0, file.Metadata.Count);
        Assert.Equal(ResultOutcome.Accepted, Assert.Single(_rig.Receipts.ReadAll()).Outcome);
    }

    [Fact]
    public async Task RunTrain_TrainerFails_DeclinesWithTheCodeOnlyAndDoesNotThrow()
    {
        // Arrange
        await _rig.JoinAsync();
        await _rig.ReceiveAsync(TestTasks.AsInstruction(TestTasks.Train()));
        _rig.Trainer.Failure = new TaskNotFeasibleException(DeclineReason.LabelMismatch, "local labels go up to 9 but the task has 5 classes");

        // Act
        await _rig.Runner.RunTrainAsync(TestTasks.Train(), Rejoin, CancellationToken.None);

        // Assert: one decline, no delta, no metrics, and the receipt kept.
        var (header, payload) = Assert.Single(_rig.Transport.Pushes);
        Assert.Equal(DeclineReason.LabelMismatch, header.Declined);
        Assert.Empty(payload);
        Assert.Empty(header.Metrics);
        Assert.Equal(0, header.ExampleCount);
        Assert.Equal("task-1", Assert.Single(_rig.Receipts.ReadAll()).TaskId);
    }

    public static TheoryData<Exception, DeclineReason> LocalFailures => new()
    {
        { new OutOfMemoryException(), DeclineReason.OutOfMemory },
        { new System.Runtime.InteropServices.ExternalException("[enforce fail at alloc_cpu.cpp:117] DefaultCPUAllocator: can't allocate memory: you tried to allocate 25600000000 bytes"), DeclineReason.OutOfMemory },
        { new UnauthorizedAccessException("Access to the path '/data/site/cache' is denied."), DeclineReason.LocalFault },
        // An IOException from the site's own disk is a local fault, not a coordinator that is away.
        { new IOException("Read-only file system : '/data/site/images'"), DeclineReason.LocalFault },
        { new FormatException("task spec 'classify:classes=x': classes must be an integer"), DeclineReason.InvalidTask },
    };

    [Theory]
    [MemberData(nameof(LocalFailures))]
    public async Task RunTrain_LocalFailure_DeclinesWithItsTypedReason(Exception failure, DeclineReason expected)
    {
        // Arrange
        await _rig.JoinAsync();
        await _rig.ReceiveAsync(TestTasks.AsInstruction(TestTasks.Train()));
        _rig.Trainer.Failure = failure;

        // Act
        await _rig.Runner.RunTrainAsync(TestTasks.Train(), Rejoin, CancellationToken.None);

        // Assert
        Assert.Equal(expected, Assert.Single(_rig.Transport.Pushes).Header.Declined);
    }

    [Fact]
    public async Task RunTrain_SameImpossibleTaskOfferedAgainAfterALostDecline_DeclinesWithoutTrainingAgain()
    {
        // Arrange: the first decline is refused by the coordinator's side of the wire (a non-transient error).
        await _rig.JoinAsync();
        await _rig.ReceiveAsync(TestTasks.AsInstruction(TestTasks.Train()));
        _rig.Trainer.Failure = new TaskNotFeasibleException(DeclineReason.NonFiniteLoss, "the training loss became NaN");
        _rig.Transport.PushFailures.Enqueue(new RpcException(new Status(StatusCode.Internal, "stream reset")));

        // Act
        var first = await Record.ExceptionAsync(() => _rig.Runner.RunTrainAsync(TestTasks.Train(), Rejoin, CancellationToken.None));
        await _rig.ReceiveAsync(TestTasks.AsInstruction(TestTasks.Train()));
        await _rig.Runner.RunTrainAsync(TestTasks.Train(), Rejoin, CancellationToken.None);

        // Assert: the worker was told to pause, the trainer ran once, and the second offer got the decline.
        Assert.IsType<FedTransfer.Site.Worker.TaskDeclineUndeliveredException>(first);
        Assert.Single(_rig.Trainer.TrainRequests);
        Assert.Equal(DeclineReason.NonFiniteLoss, Assert.Single(_rig.Transport.Pushes).Header.Declined);
    }

    [Fact]
    public async Task RunTrain_TrainerReturnsABackboneTensor_IsStoppedAtTheGateway()
    {
        // Arrange
        await _rig.JoinAsync();
        await _rig.ReceiveAsync(TestTasks.AsInstruction(TestTasks.Train()));
        _rig.Trainer.Delta = () => [.. TestTasks.Delta(), TensorRecord.Create<float>("patch_embed.proj.weight", new float[4], 4)];

        // Act
        await _rig.Runner.RunTrainAsync(TestTasks.Train(), Rejoin, CancellationToken.None);

        // Assert: the delta never left; the coordinator hears only that the site will not answer.
        var (header, payload) = Assert.Single(_rig.Transport.Pushes);
        Assert.Equal(DeclineReason.LocalFault, header.Declined);
        Assert.Empty(payload);
    }

    [Fact]
    public async Task RunTrain_SessionLostAtPush_RejoinsAndPushesOnceWithTheNewSession()
    {
        // Arrange
        await _rig.JoinAsync();
        await _rig.ReceiveAsync(TestTasks.AsInstruction(TestTasks.Train()));
        _rig.Transport.PushFailures.Enqueue(new RpcException(new Status(StatusCode.Unauthenticated, "unknown session")));
        var rejoins = 0;
        Task Rejoin(CancellationToken ct)
        {
            rejoins++;
            return _rig.JoinAsync();
        }

        // Act
        await _rig.Runner.RunTrainAsync(TestTasks.Train(), Rejoin, CancellationToken.None);

        // Assert
        Assert.Equal(1, rejoins);
        Assert.Equal("session-2", Assert.Single(_rig.Transport.Pushes).Header.SessionId);
    }

    [Fact]
    public async Task RunTrain_CancelledDuringTraining_ThrowsAndSendsNothing()
    {
        // Arrange
        await _rig.JoinAsync();
        await _rig.ReceiveAsync(TestTasks.AsInstruction(TestTasks.Train()));
        _rig.Trainer.BlockUntilCancelled = true;
        using var cts = new CancellationTokenSource();

        // Act
        var run = _rig.Runner.RunTrainAsync(TestTasks.Train(), Rejoin, cts.Token);
        await _rig.Trainer.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        cts.Cancel();

        // Assert
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Empty(_rig.Transport.Pushes);
    }

    [Fact]
    public async Task RunEvaluate_PushesValidationMetricsWithoutPayload()
    {
        // Arrange
        await _rig.JoinAsync();
        await _rig.ReceiveAsync(new PullTaskResponse { Evaluate = TestTasks.Evaluate() });

        // Act
        await _rig.Runner.RunEvaluateAsync(TestTasks.Evaluate(), Rejoin, CancellationToken.None);

        // Assert
        var (header, payload) = Assert.Single(_rig.Transport.Pushes);
        Assert.Empty(payload);
        Assert.Equal(PayloadEncoding.None, header.PayloadEncoding);
        Assert.Equal(10, header.ExampleCount);
        Assert.Equal(0.8, header.Metrics["val_accuracy"]);
    }

    private static SitePolicy PolicyFor(string backbone, string adapter = "lora:r=2", long minExamples = 0, PrivacyParameters? privacy = null) =>
        new([new FederationRule(backbone, AdapterSpec.Parse(adapter), null, null, null)], minExamples, privacy);

    public static TheoryData<string, string, long, DeclineReason> Declines => new()
    {
        { TestTasks.Digest("another backbone"), "lora:r=2", 0, DeclineReason.BackboneNotAllowed },
        { TestTasks.BackboneDigest, "lora:r=8", 0, DeclineReason.AdapterNotAllowed },
        { TestTasks.BackboneDigest, "lora:r=2", 41, DeclineReason.TooFewExamples }, // the fake trainer holds 40
    };

    [Theory]
    [MemberData(nameof(Declines))]
    public async Task RunTrain_OutsideThePolicy_DeclinesWithTheCodeOnlyWithoutFetchingOrTraining(string backbone, string adapter, long min, DeclineReason expected)
    {
        // Arrange
        using var rig = new SiteRig(PolicyFor(backbone, adapter, min));
        await rig.JoinAsync();
        await rig.ReceiveAsync(TestTasks.AsInstruction(TestTasks.Train()));

        // Act
        await rig.Runner.RunTrainAsync(TestTasks.Train(), Rejoin, CancellationToken.None);

        // Assert
        Assert.Empty(rig.Trainer.TrainRequests);
        Assert.Empty(rig.Transport.Fetches);
        var (header, payload) = Assert.Single(rig.Transport.Pushes);
        Assert.Equal(expected, header.Declined);
        Assert.Empty(payload);
        Assert.Empty(header.Metrics);
        Assert.Equal(0, header.ExampleCount);
        Assert.Contains(rig.RunnerLog.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("declined by the site policy") && e.Message.Contains("task-1"));
        Assert.Equal("task-1", Assert.Single(rig.Receipts.ReadAll()).TaskId);
    }

    [Fact]
    public async Task RunEvaluate_UnknownBackbone_DeclinesWithoutEvaluating()
    {
        // Arrange
        using var rig = new SiteRig(PolicyFor(TestTasks.Digest("another backbone")));
        await rig.JoinAsync();
        await rig.ReceiveAsync(new PullTaskResponse { Evaluate = TestTasks.Evaluate() });

        // Act
        await rig.Runner.RunEvaluateAsync(TestTasks.Evaluate(), Rejoin, CancellationToken.None);

        // Assert
        Assert.Empty(rig.Transport.Fetches);
        Assert.Equal(DeclineReason.BackboneNotAllowed, Assert.Single(rig.Transport.Pushes).Header.Declined);
    }

    [Fact]
    public async Task RunTrain_InsideThePolicyWithPrivacy_SendsTheClippedNoisedDelta()
    {
        // Arrange: the fake delta's norm is far above the clip norm of 0.1.
        var privacy = new PrivacyParameters(0.1, 0.5);
        using var rig = new SiteRig(PolicyFor(TestTasks.BackboneDigest, minExamples: 40, privacy: privacy), noiseSeed: 9);
        await rig.JoinAsync();
        await rig.ReceiveAsync(TestTasks.AsInstruction(TestTasks.Train()));
        var expected = LocalPrivacy.Apply(TestTasks.Delta(), privacy, GaussianNoise.Seeded(9)).Delta;

        // Act
        await rig.Runner.RunTrainAsync(TestTasks.Train(), Rejoin, CancellationToken.None);

        // Assert
        var (header, payload) = Assert.Single(rig.Transport.Pushes);
        Assert.Equal(DeclineReason.Unspecified, header.Declined);
        Assert.Equal(TestTasks.Payload(expected), payload);
        Assert.NotEqual(TestTasks.Payload(TestTasks.Delta()), payload);
    }

    public void Dispose() => _rig.Dispose();
}
