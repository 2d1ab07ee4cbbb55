using static TorchSharp.torch;

namespace FedTransfer.Models.Training;

/// <summary>Hyper-parameters of a <see cref="Trainer"/>.</summary>
public sealed record TrainerOptions
{
    /// <summary>AdamW learning rate (the peak, when a schedule is used).</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>AdamW decoupled weight decay.</summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Global gradient-norm clip; 0 or less disables clipping.</summary>
    public double ClipNorm { get; init; } = 1.0;

    /// <summary>Cross-entropy label smoothing.</summary>
    public double LabelSmoothing { get; init; }

    /// <summary>Where the model and batches live.</summary>
    public Device Device { get; init; } = CPU;
}

/// <summary>Outcome of one optimisation step: mean loss over the batch and how many predictions were right.</summary>
public readonly record struct StepResult(double Loss, long Correct, long Count);

/// <summary>Mean loss and accuracy over an evaluation set.</summary>
public readonly record struct EvaluationResult(double Loss, double Accuracy, long Count);
