using System.Security.Cryptography;
using System.Text.Json;
using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Persistence;
using FedTransfer.Federation.Strategies;

namespace FedTransfer.Coordinator.Runs;

/// <summary>Builds task rows and the PullTask answers that carry them to sites.</summary>
internal static class TaskPayloads
{
    /// <summary>A new unguessable task id.</summary>
    public static string NewTaskId() => "task-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    public static string ConfigJson(TrainConfig config) => JsonSerializer.Serialize(config);

    public static TrainConfig ParseConfig(string json) =>
        JsonSerializer.Deserialize<TrainConfig>(json) ?? throw new InvalidOperationException($"stored task config '{json}' is unreadable");

    public static PullTaskResponse Train(RunContext run, TaskRow task, ArtifactRef globalAdapter, DateTimeOffset deadline)
    {
        var config = ParseConfig(task.ConfigJson);
        return new PullTaskResponse
        {
            Train = new TrainTask
            {
                TaskId = task.TaskId,
                RunId = run.RunId,
                Round = task.Round,
                GlobalAdapter = globalAdapter,
                Backbone = run.Backbone,
                AdapterSpec = run.Federation.AdapterSpec,
                TaskSpec = run.Federation.TaskSpec,
                HyperParameters = new HyperParameters
                {
                    Epochs = config.Epochs, BatchSize = config.BatchSize, LearningRate = config.LearningRate, FedproxMu = config.FedProxMu, Seed = config.Seed,
                },
                Trainable = run.TrainableProto,
                UpdateEncoding = (UpdateEncoding)(int)run.Settings.Encoding,
                DeadlineUnixMs = deadline.ToUnixTimeMilliseconds(),
                SiteSamplingRate = config.SiteSamplingRate,
            },
        };
    }

    public static PullTaskResponse Evaluate(RunContext run, TaskRow task, ArtifactRef globalAdapter, DateTimeOffset deadline) => new()
    {
        Evaluate = new EvaluateTask
        {
            TaskId = task.TaskId,
            RunId = run.RunId,
            Round = task.Round,
            GlobalAdapter = globalAdapter,
            Backbone = run.Backbone,
            AdapterSpec = run.Federation.AdapterSpec,
            TaskSpec = run.Federation.TaskSpec,
            BatchSize = run.Settings.Train.BatchSize,
            DeadlineUnixMs = deadline.ToUnixTimeMilliseconds(),
            Trainable = run.TrainableProto,
        },
    };
}
