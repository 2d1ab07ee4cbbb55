using FedTransfer.Weights.Serialization;

namespace FedTransfer.Site.Training;

/// <summary>
/// Trains and evaluates on this site's own data. Implementations see local examples; what they return is only a delta
/// over the trainable tensors and aggregate metrics, which the egress gateway checks again before anything leaves.
/// </summary>
public interface ILocalTrainer
{
    /// <summary>The device training runs on and the local example counts (counts only: never data).</summary>
    SiteCapabilities Describe();

    /// <summary>Fine-tunes from the global adapter and returns delta = local − global for exactly the trainable tensors.</summary>
    /// <remarks>Cancellation stops training between batches and throws <see cref="OperationCanceledException"/>.</remarks>
    Task<LocalTrainResult> TrainAsync(LocalTrainRequest request, CancellationToken ct);

    /// <summary>Evaluates the global adapter on the local validation split.</summary>
    Task<LocalEvaluation> EvaluateAsync(LocalEvaluateRequest request, CancellationToken ct);
}

/// <summary>What a site reports when it joins.</summary>
/// <param name="Device">Resolved device: "cpu" or "cuda:N".</param>
/// <param name="AcceleratorName">GPU name, empty for the CPU.</param>
/// <param name="AcceleratorMemoryBytes">GPU memory, 0 for the CPU.</param>
/// <param name="CpuCores">Cores available to training.</param>
/// <param name="TrainExamples">Examples in the local train split.</param>
/// <param name="ValidationExamples">Examples in the local validation split.</param>
public sealed record SiteCapabilities(string Device, string AcceleratorName, long AcceleratorMemoryBytes, int CpuCores, long TrainExamples, long ValidationExamples);

/// <summary>Local training settings of one task.</summary>
public sealed record LocalHyperParameters(int Epochs, int BatchSize, double LearningRate, double FedProxMu, long Seed);

/// <summary>One train task, with its artifacts already fetched and verified.</summary>
/// <param name="BackbonePath">Frozen backbone safetensors.</param>
/// <param name="GlobalAdapterPath">The global adapter (exactly the trainable set) to start from.</param>
/// <param name="AdapterSpec">e.g. <c>lora:r=8,alpha=16,targets=attn.qkv</c>.</param>
/// <param name="TaskSpec">e.g. <c>classify:classes=5</c>.</param>
/// <param name="HyperParameters">Epochs, batch, learning rate, FedProx mu, seed.</param>
/// <param name="Trainable">The tensors the delta must hold, in the order they are listed.</param>
public sealed record LocalTrainRequest(string BackbonePath, string GlobalAdapterPath, string AdapterSpec, string TaskSpec,
    LocalHyperParameters HyperParameters, IReadOnlyList<TensorSpec> Trainable);

/// <summary>The outcome of local training.</summary>
/// <param name="Delta">local − global for each trainable tensor, named, typed and shaped as requested.</param>
/// <param name="ExampleCount">Train examples the delta is based on (the aggregation weight).</param>
/// <param name="Metrics">Aggregates only: train_loss, train_accuracy, val_loss, val_accuracy.</param>
public sealed record LocalTrainResult(IReadOnlyList<TensorRecord> Delta, long ExampleCount, IReadOnlyDictionary<string, double> Metrics);

/// <summary>One evaluate task, with its artifacts fetched.</summary>
public sealed record LocalEvaluateRequest(string BackbonePath, string GlobalAdapterPath, string AdapterSpec, string TaskSpec, int BatchSize);

/// <summary>Validation metrics (val_loss, val_accuracy) and the number of validation examples.</summary>
public sealed record LocalEvaluation(long ExampleCount, IReadOnlyDictionary<string, double> Metrics);
