using FedTransfer.Torch.NN;
using FedTransfer.Torch.Optim;

namespace FedTransfer.Torch.Training;

/// <summary>
/// Trains a classifier's trainable parameters (those requiring gradients when the trainer is created) with AdamW on
/// cross-entropy. Each step runs in its own dispose scope, so a step leaves no native tensor behind.
/// </summary>
public sealed class Trainer : IDisposable
{
    private readonly Module _model;
    private readonly TrainerOptions _options;
    private readonly Tensor[] _parameters;
    private readonly AdamW _optimizer;

    /// <summary>Creates a trainer for <paramref name="model"/>, which must already be on <see cref="TrainerOptions.Device"/>.</summary>
    public Trainer(Module model, TrainerOptions options)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _parameters = model.NamedTrainableParameters().Select(p => p.Tensor).ToArray();
        if (_parameters.Length == 0)
            throw new InvalidOperationException("the model has no trainable parameters; attach adapters or unfreeze a head first");
        _optimizer = new AdamW(_parameters, options.LearningRate, weightDecay: options.WeightDecay);
    }

    /// <summary>Number of trainable scalars.</summary>
    public long TrainableElements => _parameters.Sum(p => p.NumElements);

    /// <summary>The optimizer's current learning rate (set it per step for a schedule).</summary>
    public double LearningRate
    {
        get => _optimizer.LearningRate;
        set => _optimizer.LearningRate = value;
    }

    /// <summary>One step on a batch: forward, loss, backward, clip, AdamW update.</summary>
    /// <param name="inputs">Model inputs on the trainer's device (e.g. [B, C, H, W] images).</param>
    /// <param name="labels">Int64 class indices [B] on the same device.</param>
    public StepResult Step(Tensor inputs, Tensor labels)
    {
        using var scope = Torch.NewDisposeScope();
        _model.Train();
        var logits = _model.Forward(inputs);
        var loss = Functional.CrossEntropy(logits, labels, _options.LabelSmoothing);
        _optimizer.ZeroGrad();
        loss.Backward();
        if (_options.ClipNorm > 0)
            Torch.ClipGradNorm(_parameters, _options.ClipNorm);
        _optimizer.Step();
        Tensor correct;
        using (Torch.NoGrad())
            correct = logits.ArgMax(1).Eq(labels).Sum();
        return new StepResult(loss.ToSingle(), correct.ToInt64(), labels.Shape[0]);
    }

    /// <summary>Mean loss and accuracy of <paramref name="model"/> over batches, without gradients, in evaluation mode.</summary>
    public static EvaluationResult Evaluate(Module model, IEnumerable<(Tensor Inputs, Tensor Labels)> batches)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batches);
        var wasTraining = model.IsTraining;
        model.Eval();
        double lossSum = 0;
        long correct = 0, count = 0;
        try
        {
            using var noGrad = Torch.NoGrad();
            foreach (var (inputs, labels) in batches)
            {
                using var scope = Torch.NewDisposeScope();
                var logits = model.Forward(inputs);
                var n = labels.Shape[0];
                lossSum += Functional.CrossEntropy(logits, labels).ToSingle() * n;
                correct += logits.ArgMax(1).Eq(labels).Sum().ToInt64();
                count += n;
            }
        }
        finally
        {
            model.Train(wasTraining);
        }
        return count == 0 ? new EvaluationResult(double.NaN, double.NaN, 0) : new EvaluationResult(lossSum / count, (double)correct / count, count);
    }

    /// <summary>Releases the optimizer state (the model is the caller's).</summary>
    public void Dispose() => _optimizer.Dispose();
}
