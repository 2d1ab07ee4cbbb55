using FedTransfer.Torch.Adapters;
using FedTransfer.Torch.NN;
using FedTransfer.Torch.Serialization;
using FedTransfer.Torch.Tests.TestSupport;
using FedTransfer.Torch.Training;

namespace FedTransfer.Torch.Tests.Training;

[Collection(NativeCountCollection.Name)]
public sealed class TrainerTests
{
    [Fact]
    public void Step_RepeatedOnOneBatch_DrivesLossDownAndAccuracyUp()
    {
        Torch.ManualSeed(50);
        using var model = new VisionTransformer(TestTensors.TinyVit);
        using var trainer = new Trainer(model, new TrainerOptions { LearningRate = 3e-3 });
        using var images = Tensor.Randn([12, 1, 8, 8]);
        using var labels = Tensor.From(Enumerable.Range(0, 12).Select(i => (long)(i % 3)).ToArray(), 12);

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
        Torch.ManualSeed(51);
        using var model = new VisionTransformer(TestTensors.TinyVit);
        using var images = Tensor.Randn([6, 1, 8, 8]);
        long[] predicted;
        using (Torch.NewDisposeScope())
        using (Torch.NoGrad())
        {
            model.Eval();
            predicted = model.Forward(images).ArgMax(1).ToArray<long>();
            model.Train();
        }
        using var labels = Tensor.From(predicted.Select((p, i) => i < 4 ? p : (p + 1) % 3).ToArray(), 6);

        var result = Trainer.Evaluate(model, [(images, labels)]);

        Assert.Equal(4.0 / 6, result.Accuracy, 6);
        Assert.Equal(6, result.Count);
        Assert.True(model.IsTraining);
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
        Torch.ManualSeed(52);
        using var model = new VisionTransformer(TestTensors.TinyVit with { Dropout = 0.1 });
        AdapterAttach.Attach(model, AdapterSpec.Parse("lora:r=2,alpha=4,dropout=0.1,targets=attn.qkv|attn.proj"));
        using var trainer = new Trainer(model, new TrainerOptions());
        using var images = Tensor.Randn([4, 1, 8, 8]);
        using var labels = Tensor.From([0L, 1L, 2L, 0L], 4);
        trainer.Step(images, labels); // optimizer state and gradients are allocated on the first step
        var before = Torch.LiveTensorCount;

        for (var i = 0; i < 500; i++)
            trainer.Step(images, labels);
        Trainer.Evaluate(model, [(images, labels)]);

        Assert.Equal(before, Torch.LiveTensorCount);
    }

    [TorchPythonFact]
    public void Step_OneAdamWStep_MatchesPyTorch()
    {
        Torch.ManualSeed(53);
        const string spec = "lora:r=2,alpha=4,targets=attn.qkv|attn.proj";
        using var model = new VisionTransformer(TestTensors.TinyVit);
        AdapterAttach.Attach(model, AdapterSpec.Parse(spec));
        TestTensors.Randomize(model, 0.3);
        using var images = Tensor.Randn([4, 1, 8, 8]);
        using var labels = Tensor.From([0L, 1L, 2L, 1L], 4);
        var reference = ReferenceVit.Run(model, spec, images, labels, (1e-2, 0.05));
        using var trainer = new Trainer(model, new TrainerOptions { LearningRate = 1e-2, WeightDecay = 0.05, ClipNorm = 0 });

        var step = trainer.Step(images, labels);

        Assert.Equal(reference["loss"].ToTensor().ToArray<float>()[0], step.Loss, 4);
        foreach (var (name, tensor) in model.NamedTrainableParameters())
        {
            using var expected = reference[name].ToTensor();
            Assert.True(TestTensors.MaxAbsDiff(tensor, expected) < 1e-4, $"{name} differs from PyTorch after one AdamW step");
        }
    }
}
