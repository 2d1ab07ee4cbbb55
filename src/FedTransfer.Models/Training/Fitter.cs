using System.Diagnostics;
using FedTransfer.Models.Data;
using FedTransfer.Models.NN;
using static TorchSharp.torch;

namespace FedTransfer.Models.Training;

/// <summary>How to run <see cref="Fitter.Fit"/>.</summary>
public sealed record FitOptions
{
    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Rows per optimisation step.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Share of all steps spent warming the learning rate up linearly.</summary>
    public double WarmupFraction { get; init; } = 0.05;

    /// <summary>Seed of the per-epoch shuffles.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Random image transforms applied to each training batch; null trains on the images as they are.</summary>
    public ImageAugmentation? Augmentation { get; init; }

    /// <summary>Optimizer settings and device.</summary>
    public TrainerOptions Trainer { get; init; } = new();
}

/// <summary>A snapshot for progress displays: running means over the current epoch.</summary>
public readonly record struct FitProgress(int Epoch, int Epochs, long Step, long TotalSteps, double Loss, double Accuracy, double SamplesPerSecond, double LearningRate);

/// <summary>What a run achieved: last epoch's running loss and accuracy, wall time and throughput.</summary>
public readonly record struct FitResult(double Loss, double Accuracy, long Samples, TimeSpan Elapsed)
{
    /// <summary>Training samples processed per second.</summary>
    public double SamplesPerSecond => Samples / Math.Max(Elapsed.TotalSeconds, 1e-9);
}

/// <summary>The epoch loop: shuffled batches, warm-up + cosine learning rate, one <see cref="Trainer.Step"/> per batch.</summary>
public static class Fitter
{
    /// <summary>Trains <paramref name="model"/>'s trainable parameters on <paramref name="train"/>; stops between steps when cancelled.</summary>
    /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> fires; the model keeps the steps taken so far.</exception>
    public static FitResult Fit(nn.Module<Tensor, Tensor> model, Dataset train, FitOptions options, IProgress<FitProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        if (train.Count == 0)
            throw new ArgumentException("the training set is empty", nameof(train));
        var stepsPerEpoch = (train.Count + options.BatchSize - 1) / options.BatchSize;
        var total = (long)stepsPerEpoch * options.Epochs;
        var schedule = new CosineSchedule(options.Trainer.LearningRate, total, (long)(total * options.WarmupFraction), minFactor: 0.05);
        using var trainer = new Trainer(model, options.Trainer);
        var augmentRandom = new SeededRandom(SeededRandom.Derive(options.Seed, 0xA5A5));
        var clock = Stopwatch.StartNew();
        long step = 0, samples = 0;
        double epochLoss = 0, epochCorrect = 0, epochCount = 0;
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            epochLoss = epochCorrect = epochCount = 0;
            var seed = unchecked(options.Seed * 0x9E3779B97F4A7C15UL + (ulong)epoch);
            foreach (var batch in train.Batches(options.BatchSize, shuffle: true, seed))
            {
                cancellationToken.ThrowIfCancellationRequested();
                trainer.LearningRate = schedule.At(step);
                StepResult result;
                using (NewDisposeScope())
                {
                    var input = options.Augmentation is { } augmentation ? batch with { Features = augmentation.Apply(batch, augmentRandom) } : batch;
                    var (inputs, labels) = input.ToTensors(options.Trainer.Device);
                    result = trainer.Step(inputs, labels);
                }
                step++;
                samples += result.Count;
                epochLoss += result.Loss * result.Count;
                epochCorrect += result.Correct;
                epochCount += result.Count;
                progress?.Report(new FitProgress(epoch + 1, options.Epochs, step, total, epochLoss / epochCount, epochCorrect / epochCount,
                    samples / Math.Max(clock.Elapsed.TotalSeconds, 1e-9), trainer.LearningRate));
            }
        }
        return new FitResult(epochLoss / epochCount, epochCorrect / epochCount, samples, clock.Elapsed);
    }
}
