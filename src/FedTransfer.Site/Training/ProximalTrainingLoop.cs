using FedTransfer.Models.Data;
using FedTransfer.Models.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedTransfer.Site.Training;

/// <summary>
/// Local epochs of AdamW on cross-entropy, optionally with the FedProx proximal term
/// <c>mu/2 · Σ‖w − w_global‖²</c> over the trainable tensors (Li et al. 2020, "Federated Optimization in Heterogeneous
/// Networks"), which keeps a site with skewed data from drifting far from the global adapter. Each step runs in its
/// own dispose scope and checks for cancellation first, so shutdown abandons training within one batch.
/// </summary>
internal static class ProximalTrainingLoop
{
    private const double ClipNorm = 1.0;

    /// <summary>Trains in place and returns the last epoch's mean loss and accuracy.</summary>
    public static (double Loss, double Accuracy) Train(nn.Module<Tensor, Tensor> model, IReadOnlyList<(string name, Parameter parameter)> trainable,
        IReadOnlyDictionary<string, Tensor> global, Dataset data, LocalHyperParameters hp, Device device, CancellationToken ct)
    {
        using var trainer = new Trainer(model, new TrainerOptions { LearningRate = hp.LearningRate, WeightDecay = 0, ClipNorm = ClipNorm, Device = device });
        Func<Tensor>? proximal = hp.FedProxMu > 0 ? () => ProximalTerm(trainable, global).mul(hp.FedProxMu / 2) : null;
        double lossSum = 0;
        long correct = 0, count = 0;
        for (var epoch = 0; epoch < hp.Epochs; epoch++)
        {
            (lossSum, correct, count) = (0, 0, 0);
            foreach (var batch in data.Batches(hp.BatchSize, shuffle: true, SeededRandom.Derive(unchecked((ulong)hp.Seed), (ulong)epoch)))
            {
                ct.ThrowIfCancellationRequested();
                StepResult step;
                using (NewDisposeScope())
                {
                    var (inputs, labels) = batch.ToTensors(device);
                    step = trainer.Step(inputs, labels, proximal);
                }
                // A diverged loss cannot recover, and its delta would be refused at the door anyway: stop at once.
                if (!double.IsFinite(step.Loss))
                    throw new TaskNotFeasibleException(Contracts.V1.DeclineReason.NonFiniteLoss,
                        $"the training loss became {step.Loss} in epoch {epoch + 1}; lower the learning rate, or check the backbone and the global adapter for NaN weights");
                lossSum += step.Loss * step.Count;
                correct += step.Correct;
                count += step.Count;
            }
        }
        return count == 0 ? (double.NaN, double.NaN) : (lossSum / count, (double)correct / count);
    }

    /// <summary>Mean loss and accuracy over <paramref name="data"/>, in evaluation mode and without gradients.</summary>
    public static (double Loss, double Accuracy) Evaluate(nn.Module<Tensor, Tensor> model, Dataset data, int batchSize, Device device, CancellationToken ct)
    {
        var result = Trainer.Evaluate(model, data, batchSize, device, ct);
        return (result.Loss, result.Accuracy);
    }

    /// <summary>Σ‖w − w_global‖² over the trainable tensors; the global copies carry no gradient.</summary>
    internal static Tensor ProximalTerm(IReadOnlyList<(string name, Parameter parameter)> trainable, IReadOnlyDictionary<string, Tensor> global)
    {
        Tensor? sum = null;
        foreach (var (name, w) in trainable)
        {
            var part = w.sub(global[name]).square().sum();
            sum = sum is null ? part : sum.add(part);
        }
        return sum!;
    }
}
