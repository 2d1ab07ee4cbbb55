using FedTransfer.Models.Data;
using FedTransfer.Models.NN;
using FedTransfer.Models.Tests.TestSupport;
using FedTransfer.Models.Training;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.Training;

public sealed class FitterTests
{
    // Two classes a ViT can tell apart at a glance: bright top half versus bright bottom half.
    private static Dataset Halves(int count)
    {
        var features = new float[count * 64];
        var labels = new long[count];
        var random = new Random(5);
        for (var i = 0; i < count; i++)
        {
            labels[i] = i % 2;
            for (var p = 0; p < 64; p++)
                features[i * 64 + p] = (p < 32) == (labels[i] == 0) ? 1f : (float)random.NextDouble() * 0.2f;
        }
        return new Dataset(features, [1, 8, 8], labels, 2);
    }

    [Fact]
    public void Fit_SeparableImages_LearnsThemAndReportsEveryStep()
    {
        Engine.Seed(80);
        using var model = new VisionTransformer(TestTensors.TinyVit with { Classes = 2 });
        var reports = new List<FitProgress>();

        var result = Fitter.Fit(model, Halves(64), new FitOptions { Epochs = 6, BatchSize = 16, Trainer = new TrainerOptions { LearningRate = 3e-3 } },
            new Progress(reports.Add));

        Assert.Equal(24, reports.Count);
        Assert.Equal(Enumerable.Range(1, 24).Select(i => (long)i), reports.Select(r => r.Step));
        Assert.Equal(1.0, result.Accuracy);
        Assert.Equal(384, result.Samples);
        Assert.True(reports[^1].LearningRate < reports[4].LearningRate, "the learning rate should decay");
    }

    [Fact]
    public void Fit_WithAugmentation_StillTrains()
    {
        Engine.Seed(81);
        using var model = new VisionTransformer(TestTensors.TinyVit with { Classes = 2 });

        var result = Fitter.Fit(model, Halves(64), new FitOptions
        {
            Epochs = 8, BatchSize = 16, Augmentation = new ImageAugmentation(MaxShift: 1), Trainer = new TrainerOptions { LearningRate = 3e-3 },
        });

        Assert.True(result.Accuracy > 0.9, $"accuracy {result.Accuracy}");
    }

    [Fact]
    public void Fit_Cancelled_StopsBetweenSteps()
    {
        using var model = new VisionTransformer(TestTensors.TinyVit with { Classes = 2 });
        using var cancellation = new CancellationTokenSource();
        var steps = 0;

        Assert.Throws<OperationCanceledException>(() => Fitter.Fit(model, Halves(64), new FitOptions { Epochs = 10, BatchSize = 8 },
            new Progress(_ => { if (++steps == 3) cancellation.Cancel(); }), cancellation.Token));

        Assert.Equal(3, steps);
    }

    [Fact]
    public void Fit_EmptyDataset_Throws()
    {
        using var model = new VisionTransformer(TestTensors.TinyVit);

        Assert.Throws<ArgumentException>(() => Fitter.Fit(model, new Dataset([], [1, 8, 8], [], 3), new FitOptions()));
    }

    private sealed class Progress(Action<FitProgress> handler) : IProgress<FitProgress>
    {
        public void Report(FitProgress value) => handler(value);
    }
}
