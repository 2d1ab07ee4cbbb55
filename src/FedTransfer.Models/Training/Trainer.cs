using FedTransfer.Models.Data;
using FedTransfer.Models.NN;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedTransfer.Models.Training;

/// <summary>
/// Trains a classifier's trainable parameters (those requiring gradients when the trainer is created) with AdamW on
/// cross-entropy. Each step runs in its own dispose scope, so a step leaves no native tensor behind.
/// </summary>
public sealed class Trainer : IDisposable
{
    private readonly nn.Module<Tensor, Tensor> _model;
    private readonly TrainerOptions _options;
    private readonly Parameter[] _parameters;
    private readonly optim.Optimizer _optimizer;
    private readonly optim.ILearningRateController _group;

    /// <summary>Creates a trainer for <paramref name="model"/>, which must already be on <see cref="TrainerOptions.Device"/>.</summary>
    public Trainer(nn.Module<Tensor, Tensor> model, TrainerOptions options)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _parameters = model.NamedTrainableParameters().Select(p => p.parameter).ToArray();
        if (_parameters.Length == 0)
            throw new InvalidOperationException("the model has no trainable parameters; attach adapters or unfreeze a head first");
        _optimizer = optim.AdamW(_parameters, options.LearningRate, weight_decay: options.WeightDecay);
        _group = _optimizer.ParamGroups.Single();
    }

    /// <summary>Number of trainable scalars.</summary>
    public long TrainableElements => _parameters.Sum(p => p.numel());

    /// <summary>The optimizer's current learning rate (set it per step for a schedule).</summary>
    public double LearningRate
    {
        get => _group.LearningRate;
        set => _group.LearningRate = value;
    }

    /// <summary>One step on a batch: forward, loss, backward, clip, AdamW update.</summary>
    /// <param name="inputs">Model inputs on the trainer's device (e.g. [B, C, H, W] images).</param>
    /// <param name="labels">Int64 class indices [B] on the same device.</param>
    /// <param name="penalty">A term added to the objective, made inside the step's scope (FedProx's proximal term); the
    /// reported loss stays the cross-entropy.</param>
    public StepResult Step(Tensor inputs, Tensor labels, Func<Tensor>? penalty = null)
    {
        using var scope = NewDisposeScope();
        _model.train();
        var logits = _model.call(inputs);
        var loss = nn.functional.cross_entropy(logits, labels, label_smoothing: _options.LabelSmoothing);
        _optimizer.zero_grad();
        (penalty is null ? loss : loss.add(penalty())).backward();
        if (_options.ClipNorm > 0)
            nn.utils.clip_grad_norm_(_parameters, _options.ClipNorm);
        _optimizer.step();
        long correct;
        using (no_grad())
            correct = logits.argmax(1).eq(labels).sum().item<long>();
        return new StepResult(loss.item<float>(), correct, labels.shape[0]);
    }

    /// <summary>
    /// Mean loss and accuracy of <paramref name="model"/> over <paramref name="data"/> in batches of <paramref name="batchSize"/>
    /// on <paramref name="device"/>, without gradients, in evaluation mode; each batch's tensors live only for its step.
    /// Stops between batches when <paramref name="cancellationToken"/> fires.
    /// </summary>
    public static EvaluationResult Evaluate(nn.Module<Tensor, Tensor> model, Dataset data, int batchSize, Device device, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Evaluate(model, data.Batches(batchSize, shuffle: false), batch => batch.ToTensors(device), cancellationToken);
    }

    /// <summary>Mean loss and accuracy over tensors the caller made (and still owns), as the overload over a data set computes them.</summary>
    public static EvaluationResult Evaluate(nn.Module<Tensor, Tensor> model, IEnumerable<(Tensor Inputs, Tensor Labels)> batches) =>
        Evaluate(model, batches, batch => batch, CancellationToken.None);

    private static EvaluationResult Evaluate<TBatch>(nn.Module<Tensor, Tensor> model, IEnumerable<TBatch> batches, Func<TBatch, (Tensor Inputs, Tensor Labels)> toTensors,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batches);
        var wasTraining = model.training;
        model.eval();
        double lossSum = 0;
        long correct = 0, count = 0;
        try
        {
            using var noGrad = no_grad();
            foreach (var batch in batches)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var (inputs, labels) = toTensors(batch);
                var logits = model.call(inputs);
                var n = labels.shape[0];
                lossSum += nn.functional.cross_entropy(logits, labels).item<float>() * n;
                correct += logits.argmax(1).eq(labels).sum().item<long>();
                count += n;
            }
        }
        finally
        {
            model.train(wasTraining);
        }
        return count == 0 ? new EvaluationResult(double.NaN, double.NaN, 0) : new EvaluationResult(lossSum / count, (double)correct / count, count);
    }

    /// <summary>Releases the optimizer state (the model is the caller's).</summary>
    public void Dispose() => _optimizer.Dispose();
}
