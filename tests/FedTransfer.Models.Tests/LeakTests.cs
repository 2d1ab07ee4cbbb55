using System.Diagnostics;
using FedTransfer.Models.Adapters;
using FedTransfer.Models.NN;
using FedTransfer.Models.Tests.Support;
using FedTransfer.Models.Tests.TestSupport;
using FedTransfer.Models.Training;
using FedTransfer.Weights.Adapters;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests;

[Collection(LiveTensorCollection.Name)]
public sealed class LeakTests
{
    [Fact]
    public void TrainerSteps_ThousandOfThem_LeaveLiveTensorsAndRssFlat()
    {
        Engine.Seed(1);
        using var model = new VisionTransformer(TestTensors.TinyVit);
        AdapterAttach.Attach(model, AdapterSpec.Parse("lora:r=2,alpha=4,targets=attn.qkv"));
        using var trainer = new Trainer(model, new TrainerOptions { LearningRate = 1e-2 });
        using var images = randn(8, 1, 8, 8);
        using var labels = tensor(new long[] { 0, 1, 2, 0, 1, 2, 0, 1 });
        // Warm-up: AdamW creates its moment buffers on the first step, and libtorch's allocator settles.
        for (var i = 0; i < 50; i++) trainer.Step(images, labels);
        var liveBefore = Engine.LiveTensorsOnThisThread;
        var rssBefore = RssBytes();

        StepResult first = default, last = default;
        for (var i = 0; i < 1000; i++)
        {
            last = trainer.Step(images, labels);
            if (i == 0) first = last;
        }
        var liveAfter = Engine.LiveTensorsOnThisThread;
        var rssGrowth = RssBytes() - rssBefore;

        Assert.Equal(liveBefore, liveAfter);
        // A leak of one [8, 3] logits tensor per step alone would be > 96 KB; a real one (graph, grads) many MB.
        Assert.True(rssGrowth < 8L << 20, $"RSS grew by {rssGrowth >> 10} KiB over 1000 steps");
        Assert.True(last.Loss < first.Loss, $"loss did not fall: {first.Loss} -> {last.Loss}");
    }

    [Fact]
    public void TrainerSteps_FrozenResNetWithLinearHead_LeaveLiveTensorsFlat()
    {
        Engine.Seed(2);
        using var model = new ResNet([1, 1], classes: 3, width: 8);
        AdapterAttach.Attach(model, new HeadOnlySpec());
        using var trainer = new Trainer(model, new TrainerOptions { LearningRate = 1e-2 });
        using var images = randn(4, 3, 32, 32);
        using var labels = tensor(new long[] { 0, 1, 2, 0 });
        for (var i = 0; i < 5; i++) trainer.Step(images, labels);
        var liveBefore = Engine.LiveTensorsOnThisThread;

        for (var i = 0; i < 100; i++) trainer.Step(images, labels);

        Assert.Equal(liveBefore, Engine.LiveTensorsOnThisThread);
    }

    private static long RssBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return self.WorkingSet64;
    }
}
