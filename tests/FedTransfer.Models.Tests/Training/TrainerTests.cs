using FedTransfer.Models.Serialization;
using FedTransfer.Models.Adapters;
using FedTransfer.Models.Tests.Support;
using FedTransfer.Weights.Adapters;
using FedTransfer.Models.NN;
using FedTransfer.Weights.Serialization;
using FedTransfer.Models.Tests.TestSupport;
using FedTransfer.TestSupport;
using FedTransfer.Models.Training;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.Training;

[Collection(LiveTensorCollection.Name)]
public sealed class TrainerTests
{
    [Fact]
    public void Step_RepeatedOnOneBatch_DrivesLossDownAndAccuracyUp()
    {
        Engine.Seed(50);
        using var model = new VisionTransformer(TestTensors.TinyVit);
        using var trainer = new Trainer(model, new TrainerOptions { LearningRate = 3e-3 });
        using var images = randn(12, 1, 8, 8);
        using var labels = tensor(Enumerable.Range(0, 12).Select(i => (long)(i % 3)).ToArray());

        var first = trainer.Step(images, labels);
        StepResult last = first;
        for (var i = 0; i < 60; i++)
            last = trainer.Step(images, labels);

        Assert.True(last.Loss < first.Loss / 4, $"loss {first.Loss} -> {last.Loss}");
        Assert.Equal(12, last.Correct);
    }

    [Fact]
    public void Evaluate_RestoresTrainingModeAndCountsCorrectPredictions()
    {
        Engine.Seed(51);
        using var model = new VisionTransformer(TestTensors.TinyVit);
        using var images = randn(6, 1, 8, 8);
        long[] predicted;
        using (NewDisposeScope())
        using (no_grad())
        {
            model.eval();
            predicted = model.call(images).argmax(1).data<long>().ToArray();
            model.train();
        }
        using var labels = tensor(predicted.Select((p, i) => i < 4 ? p : (p + 1) % 3).ToArray());

        var result = Trainer.Evaluate(model, [(images, labels)]);

        Assert.Equal(4.0 / 6, result.Accuracy, 6);
        Assert.Equal(6, result.Count);
        Assert.True(model.training);
    }

    [Fact]
    public void Constructor_NothingTrainable_Throws()
    {
        using var model = new VisionTransformer(TestTensors.TinyVit);
        model.SetRequiresGrad(false);

        Assert.Throws<InvalidOperationException>(() => new Trainer(model, new TrainerOptions()));
    }

    [Fact]
    public void Step_500LoraSteps_LeaveNoNativeTensorBehind()
    {
        Engine.Seed(52);
        using var model = new VisionTransformer(TestTensors.TinyVit with { Dropout = 0.1 });
        AdapterAttach.Attach(model, AdapterSpec.Parse("lora:r=2,alpha=4,dropout=0.1,targets=attn.qkv|attn.proj"));
        using var trainer = new Trainer(model, new TrainerOptions());
        using var images = randn(4, 1, 8, 8);
        using var labels = tensor(new[] { 0L, 1L, 2L, 0L });
        trainer.Step(images, labels); // optimizer state and gradients are allocated on the first step
        var before = Engine.LiveTensorsOnThisThread;

        for (var i = 0; i < 500; i++)
            trainer.Step(images, labels);
        Trainer.Evaluate(model, [(images, labels)]);

        Assert.Equal(before, Engine.LiveTensorsOnThisThread);
    }

    [TorchPythonFact]
    public void Step_OneAdamWStep_MatchesPyTorch()
    {
        Engine.Seed(53);
        const string spec = "lora:r=2,alpha=4,targets=attn.qkv|attn.proj";
        using var model = new VisionTransformer(TestTensors.TinyVit);
        AdapterAttach.Attach(model, AdapterSpec.Parse(spec));
        TestTensors.Randomize(model, 0.3);
        using var images = randn(4, 1, 8, 8);
        using var labels = tensor(new[] { 0L, 1L, 2L, 1L });
        var reference = ReferenceVit.Run(model, spec, images, labels, (1e-2, 0.05));
        using var trainer = new Trainer(model, new TrainerOptions { LearningRate = 1e-2, WeightDecay = 0.05, ClipNorm = 0 });

        var step = trainer.Step(images, labels);

        Assert.Equal(reference["loss"].ToSingles()[0], step.Loss, 4);
        foreach (var (name, tensor) in model.NamedTrainableParameters())
        {
            using var expected = reference[name].ToTensor();
            Assert.True(TestTensors.MaxAbsDiff(tensor, expected) < 1e-4, $"{name} differs from PyTorch after one AdamW step");
        }
    }
}
