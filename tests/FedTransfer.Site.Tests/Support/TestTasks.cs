using System.Security.Cryptography;
using FedTransfer.Contracts.V1;
using FedTransfer.Site.Egress;
using FedTransfer.Site.Worker;
using FedTransfer.Weights.Serialization;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedTransfer.Site.Tests.Support;

/// <summary>Tasks, trainable sets and payloads for tests: a two-tensor adapter ("head.bias" [3], "lora.a" [2, 4]).</summary>
internal static class TestTasks
{
    public static readonly string BackboneDigest = Digest("backbone");
    public static readonly string AdapterDigest = Digest("adapter");

    public static TrainableSet Trainable()
    {
        var set = new TrainableSet();
        set.Tensors.Add(new Contracts.V1.TensorSpec { Name = "head.bias", Dtype = TensorDType.F32, Shape = { 3 } });
        set.Tensors.Add(new Contracts.V1.TensorSpec { Name = "lora.a", Dtype = TensorDType.F32, Shape = { 2, 4 } });
        set.ParameterCount = 11;
        return set;
    }

    public static TrainTask Train(string taskId = "task-1", int round = 1) => new()
    {
        TaskId = taskId, RunId = "run-1", Round = round,
        Backbone = new ArtifactRef { Digest = BackboneDigest }, GlobalAdapter = new ArtifactRef { Digest = AdapterDigest },
        AdapterSpec = "lora:r=2", TaskSpec = "classify:classes=3",
        HyperParameters = new HyperParameters { Epochs = 1, BatchSize = 4, LearningRate = 0.01, Seed = 7 },
        Trainable = Trainable(),
    };

    public static EvaluateTask Evaluate(string taskId = "eval-1", int round = 1) => new()
    {
        TaskId = taskId, RunId = "run-1", Round = round, BatchSize = 8,
        Backbone = new ArtifactRef { Digest = BackboneDigest }, GlobalAdapter = new ArtifactRef { Digest = AdapterDigest },
        AdapterSpec = "lora:r=2", TaskSpec = "classify:classes=3",
    };

    /// <summary>A delta matching <see cref="Trainable"/> exactly.</summary>
    public static List<TensorRecord> Delta(float scale = 0.5f) =>
    [
        TensorRecord.Create<float>("head.bias", [scale, -scale, 0], 3),
        TensorRecord.Create<float>("lora.a", Enumerable.Range(0, 8).Select(i => i * scale).ToArray(), 2, 4),
    ];

    public static byte[] Payload(IEnumerable<TensorRecord> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafeTensors.Serialize(tensors, metadata);

    public static ResultHeader Header(string taskId = "task-1", int round = 1, string session = "session-1") => new()
    {
        SessionId = session, TaskId = taskId, Round = round, ExampleCount = 40, PayloadEncoding = PayloadEncoding.Safetensors,
        Metrics = { ["train_loss"] = 0.7, ["val_accuracy"] = 0.5 },
    };

    public static JoinRequest Join(string name = "clinic-a") => new()
    {
        DisplayName = name, SoftwareVersion = "1.0.0",
        Device = new DeviceInfo { Device = "cpu", CpuCores = 2 },
        ExampleCounts = new ExampleCounts { Train = 40, Validation = 10 },
    };

    public static PullTaskResponse AsInstruction(TrainTask task) => new() { Train = task };

    public static EgressGateway Gateway(ICoordinatorTransport transport, Site.Policy.SitePolicy? policy = null) =>
        new(transport, NullLogger.Instance, () => new ReconnectBackoff(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(4), new Random(1)), policy: policy);

    public static string Digest(string text) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

}
