using FedTransfer.Site.Tests.Support;
using FedTransfer.Site.Training;
using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FedTransfer.Site.Tests.Training;

public sealed class TorchLocalTrainerTests : IDisposable
{
    private readonly TinyFederation _fed = new();

    private TorchLocalTrainer Trainer(TinyFederation? fed = null) =>
        new((fed ?? _fed).Data(), Options.Create((fed ?? _fed).Options), NullLogger<TorchLocalTrainer>.Instance);

    [Fact]
    public async Task Train_Delta_HoldsExactlyTheTrainableTensorsInOrder()
    {
        // Act
        var result = await Trainer().TrainAsync(_fed.Request(), CancellationToken.None);

        // Assert
        Assert.Equal(_fed.Trainable.Select(t => t.Name), result.Delta.Select(d => d.Name));
        Assert.All(result.Delta.Zip(_fed.Trainable), p =>
        {
            Assert.Equal(p.Second.DType, p.First.DType);
            Assert.Equal(p.Second.Shape, p.First.Shape);
        });
        Assert.DoesNotContain(result.Delta, d => d.Name == "layers.0.weight");
        Assert.Equal(72, result.ExampleCount);
        Assert.Contains(result.Delta, d => d.ToSingles().Any(v => v != 0));
    }

    [Fact]
    public async Task Train_GlobalPlusDeltaOnTheFrozenBackbone_ReproducesTheLocalModelsValidationLoss()
    {
        // Arrange
        var trainer = Trainer();

        // Act
        var result = await trainer.TrainAsync(_fed.Request(), CancellationToken.None);

        // Assert: rebuilding backbone + (global + delta) gives the trained model exactly, so delta = local − global and
        // the backbone did not move during training.
        var global = SafeTensors.ReadFile(_fed.AdapterPath);
        var rebuilt = _fed.Dir.Combine("rebuilt.safetensors");
        SafeTensors.WriteFile(rebuilt, result.Delta.Select(d =>
            TensorRecord.FromSingles(d.Name, global[d.Name].ToSingles().Zip(d.ToSingles(), (g, x) => g + x).ToArray(), d.DType, d.Shape)));
        var reference = await trainer.EvaluateAsync(new LocalEvaluateRequest(_fed.BackbonePath, rebuilt, TinyFederation.AdapterSpec, TinyFederation.TaskSpec, 16), CancellationToken.None);
        Assert.Equal(result.Metrics["val_loss"], reference.Metrics["val_loss"], 4);
        Assert.Equal(result.Metrics["val_accuracy"], reference.Metrics["val_accuracy"], 6);
    }

    [Theory]
    [InlineData("lora:r=2,alpha=4,targets=attn.qkv")]
    [InlineData("lora:r=2,alpha=4,targets=attn.qkv,agg=frozen-a,a_seed=5")] // FFA-LoRA: A frozen, so only B and the head leave
    public async Task Train_VitOnIdxImages_ReturnsLoraAndHeadDeltasOnly(string spec)
    {
        // Arrange: a one-block ViT for 28x28 images with its architecture in the backbone metadata, and 40 IDX images.
        using var dir = new TempDirectory();
        var config = new FedTransfer.Models.NN.VisionTransformerConfig { Dim = 16, Depth = 1, Heads = 2, Classes = 5 };
        var backbone = dir.Combine("backbone.safetensors");
        using (var vit = new FedTransfer.Models.NN.VisionTransformer(config))
            FedTransfer.Models.Training.ModelCheckpoint.SaveStateDict(vit, backbone, new Dictionary<string, string> { [SiteModelFactory.VitConfigKey] = config.ToJson() });
        var adapter = dir.Combine("adapter.safetensors");
        using (var model = SiteModelFactory.Create(backbone, spec, new TaskSpec(3), null))
            FedTransfer.Models.Training.ModelCheckpoint.SaveTrainable(model, adapter);
        IdxFiles.Write(dir.Combine("data"), "train", Enumerable.Range(0, 40).Select(i => (byte)(i % 3)).ToArray());
        var options = new FedTransfer.Site.Configuration.SiteOptions { DataDirectory = dir.Combine("data"), Device = "cpu", ValidationFraction = 0.25 };
        var trainer = new TorchLocalTrainer(new FedTransfer.Site.LocalData.SiteData(options), Options.Create(options), NullLogger<TorchLocalTrainer>.Instance);
        var trainable = SafeTensors.ReadHeaderFile(adapter).Tensors.Select(TensorSpec.Of).ToList();

        // Act
        var result = await trainer.TrainAsync(
            new LocalTrainRequest(backbone, adapter, spec, "classify:classes=3", new LocalHyperParameters(1, 8, 0.01, 0.1, 1), trainable), CancellationToken.None);

        // Assert
        string[] expected = spec.Contains("frozen-a", StringComparison.Ordinal)
            ? ["blocks.0.attn.qkv.lora_b", "head.bias", "head.weight"]
            : ["blocks.0.attn.qkv.lora_a", "blocks.0.attn.qkv.lora_b", "head.bias", "head.weight"];
        Assert.Equal(expected, result.Delta.Select(d => d.Name).Order());
        Assert.Equal(30, result.ExampleCount);
        Assert.All(result.Delta, d => Assert.All(d.ToSingles(), v => Assert.True(float.IsFinite(v))));
        Assert.Contains(result.Delta.Single(d => d.Name == "blocks.0.attn.qkv.lora_b").ToSingles(), v => v != 0);
    }

    [Fact]
    public async Task Train_SameSeed_GivesTheSameDeltaBytes()
    {
        // Act
        var first = await Trainer().TrainAsync(_fed.Request(seed: 9), CancellationToken.None);
        var second = await Trainer().TrainAsync(_fed.Request(seed: 9), CancellationToken.None);

        // Assert
        Assert.Equal(SafeTensors.Serialize(first.Delta), SafeTensors.Serialize(second.Delta));
    }

    [Fact]
    public async Task Train_StrongFedProxTerm_KeepsTheDeltaSmaller()
    {
        // Act
        var free = await Trainer().TrainAsync(_fed.Request(mu: 0, epochs: 3), CancellationToken.None);
        var held = await Trainer().TrainAsync(_fed.Request(mu: 50, epochs: 3), CancellationToken.None);

        // Assert
        Assert.True(Norm(held) < 0.5 * Norm(free), $"FedProx norm {Norm(held)} vs free {Norm(free)}");
    }

    [Fact]
    public async Task Train_ReportsOnlyAggregateMetrics()
    {
        // Act
        var result = await Trainer().TrainAsync(_fed.Request(), CancellationToken.None);

        // Assert
        Assert.Equal(["train_accuracy", "train_loss", "val_accuracy", "val_loss"], result.Metrics.Keys.Order());
        Assert.All(result.Metrics.Values, v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public async Task Train_AdapterFileWithABackboneTensor_IsRejectedNamingIt()
    {
        // Arrange: a "global adapter" that would also overwrite a frozen backbone weight.
        var file = SafeTensors.ReadFile(_fed.AdapterPath);
        var poisoned = _fed.Dir.Combine("poisoned.safetensors");
        SafeTensors.WriteFile(poisoned, [.. file.Tensors, TensorRecord.Create<float>("layers.0.bias", new float[8], 8)]);

        // Act
        var error = await Assert.ThrowsAsync<TaskNotFeasibleException>(() =>
            Trainer().TrainAsync(_fed.Request() with { GlobalAdapterPath = poisoned }, CancellationToken.None));

        // Assert
        Assert.Equal(Contracts.V1.DeclineReason.IncompatibleBackbone, error.Reason);
        Assert.IsType<SafeTensorsSchemaException>(error.InnerException);
        Assert.Contains("layers.0.bias", error.Message);
    }

    [Fact]
    public async Task Train_LabelsBeyondTheTaskClasses_FailsSayingHowToMapThem()
    {
        // Arrange
        using var fed = new TinyFederation(labelsUpTo: 4);

        // Act
        var error = await Assert.ThrowsAsync<TaskNotFeasibleException>(() => Trainer(fed).TrainAsync(fed.Request(), CancellationToken.None));

        // Assert
        Assert.Equal(Contracts.V1.DeclineReason.LabelMismatch, error.Reason);
        Assert.Contains("Site:ImageClasses", error.Message);
    }

    [Fact]
    public async Task Train_LearningRateThatDiverges_StopsWithNonFiniteLoss()
    {
        // Arrange: a learning rate of 1e30 sends the weights to infinity within a step or two.
        var request = _fed.Request();
        request = request with { HyperParameters = request.HyperParameters with { LearningRate = 1e30, Epochs = 3 } };

        // Act
        var error = await Assert.ThrowsAsync<TaskNotFeasibleException>(() => Trainer().TrainAsync(request, CancellationToken.None));

        // Assert
        Assert.Equal(Contracts.V1.DeclineReason.NonFiniteLoss, error.Reason);
        Assert.Contains("learning rate", error.Message);
    }

    [Fact]
    public async Task Train_HyperParametersOutOfRange_IsAnInvalidTask()
    {
        // Arrange
        var request = _fed.Request();
        request = request with { HyperParameters = request.HyperParameters with { BatchSize = 0 } };

        // Act
        var error = await Assert.ThrowsAsync<TaskNotFeasibleException>(() => Trainer().TrainAsync(request, CancellationToken.None));

        // Assert
        Assert.Equal(Contracts.V1.DeclineReason.InvalidTask, error.Reason);
    }

    [Fact]
    public async Task Train_CancelledMidway_StopsBetweenBatches()
    {
        // Arrange: far more epochs than could finish before the cancellation.
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        // Act
        var training = Trainer().TrainAsync(_fed.Request(epochs: 1_000_000), cts.Token);

        // Assert
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => training.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Describe_ReportsDeviceAndSplitCountsOnly()
    {
        // Act
        var caps = Trainer().Describe();

        // Assert
        Assert.Equal("cpu", caps.Device);
        Assert.Equal(72, caps.TrainExamples);
        Assert.Equal(18, caps.ValidationExamples);
    }

    [Fact]
    public void DeltaOf_KnownTensors_IsLocalMinusGlobalInTheRequestedDType()
    {
        // Arrange
        using var scope = TorchSharp.torch.NewDisposeScope();
        var local = new Dictionary<string, TorchSharp.torch.Tensor> { ["a"] = TorchSharp.torch.tensor(new[] { 1f, 2f, 3f }) };
        var global = new Dictionary<string, TorchSharp.torch.Tensor> { ["a"] = TorchSharp.torch.tensor(new[] { 0.5f, 2f, 4f }) };

        // Act
        var delta = TorchLocalTrainer.DeltaOf(local, global, [new TensorSpec("a", DType.BFloat16, [3])]);

        // Assert
        var record = Assert.Single(delta);
        Assert.Equal(DType.BFloat16, record.DType);
        Assert.Equal([0.5f, 0f, -1f], record.ToSingles());
    }

    private static double Norm(LocalTrainResult result) => Math.Sqrt(result.Delta.Sum(d => d.ToSingles().Sum(v => (double)v * v)));

    public void Dispose() => _fed.Dispose();
}
