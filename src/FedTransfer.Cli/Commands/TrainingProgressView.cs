using System.Globalization;
using FedTransfer.Models.Data;
using FedTransfer.Models.NN;
using FedTransfer.Models.Training;
using Spectre.Console;

namespace FedTransfer.Cli.Commands;

/// <summary>Runs <see cref="Fitter.Fit"/> under a live progress bar (epoch, loss, accuracy, samples/s); plain lines per epoch when output is redirected.</summary>
internal static class TrainingProgressView
{
    public static FitResult Fit(string title, TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> model, Dataset train, FitOptions options, CancellationToken cancellationToken)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
            return Fitter.Fit(model, train, options, new SyncProgress<FitProgress>(p => PrintEpochEnd(title, p, train.Count, options.BatchSize)), cancellationToken);

        FitResult result = default;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title));
                var lastRefresh = 0L;
                result = Fitter.Fit(model, train, options, new SyncProgress<FitProgress>(p =>
                {
                    task.MaxValue = p.TotalSteps;
                    task.Value = p.Step;
                    // Re-rendering the description every step costs more than a small training step; a few times per epoch is enough.
                    if (p.Step - lastRefresh >= 5 || p.Step == p.TotalSteps)
                    {
                        lastRefresh = p.Step;
                        task.Description = Markup.Escape($"{title} epoch {p.Epoch}/{p.Epochs}  loss {p.Loss:F4}  acc {p.Accuracy:P1}  {p.SamplesPerSecond:F0} samples/s");
                    }
                }), cancellationToken);
            });
        return result;
    }

    private static void PrintEpochEnd(string title, FitProgress p, int rows, int batchSize)
    {
        var stepsPerEpoch = (rows + batchSize - 1) / batchSize;
        if (p.Step % stepsPerEpoch != 0)
            return;
        AnsiConsole.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{title} epoch {p.Epoch}/{p.Epochs}: loss {p.Loss:F4}, accuracy {p.Accuracy:P1}, {p.SamplesPerSecond:F0} samples/s"));
    }
}
