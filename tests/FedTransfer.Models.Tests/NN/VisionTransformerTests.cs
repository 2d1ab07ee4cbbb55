using FedTransfer.Models.Serialization;
using FedTransfer.Models.Adapters;
using FedTransfer.Weights.Adapters;
using FedTransfer.Models.NN;
using FedTransfer.Weights.Serialization;
using FedTransfer.Models.Tests.TestSupport;
using FedTransfer.TestSupport;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.NN;

public sealed class VisionTransformerTests
{
    [Fact]
    public void NamedParameters_FollowTimmNames()
    {
        using var model = new VisionTransformer(TestTensors.TinyVit);

        var shapes = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);

        Assert.Equal([1L, 1L, 16L], shapes["cls_token"]);
        Assert.Equal([1L, 5L, 16L], shapes["pos_embed"]);
        Assert.Equal([16L, 1L, 4L, 4L], shapes["patch_embed.proj.weight"]);
        Assert.Equal([48L, 16L], shapes["blocks.1.attn.qkv.weight"]);
        Assert.Equal([32L, 16L], shapes["blocks.0.mlp.fc1.weight"]);
        Assert.Equal([16L], shapes["norm.weight"]);
        Assert.Equal([3L, 16L], shapes["head.weight"]);
        Assert.Equal(4 + 2 * 12 + 2 + 2, shapes.Count);
    }

    [Fact]
    public void Forward_Batch_GivesLogitsPerImage()
    {
        Engine.Seed(10);
        using var model = new VisionTransformer(TestTensors.TinyVit);
        using var scope = NewDisposeScope();

        var logits = model.call(randn(5, 1, 8, 8));

        Assert.Equal([5L, 3L], logits.shape);
        Assert.True(logits.isfinite().all().item<bool>());
    }

    [Fact]
    public void ReplaceHead_NewClassCount_ChangesLogitWidth()
    {
        using var model = new VisionTransformer(TestTensors.TinyVit);
        using var scope = NewDisposeScope();

        model.ReplaceHead(new ClassificationHead(16, 7));

        Assert.Equal([2L, 7L], model.call(zeros(2, 1, 8, 8)).shape);
    }

    [TorchPythonFact]
    public void Forward_WithLora_MatchesPyTorch()
    {
        Engine.Seed(11);
        const string spec = "lora:r=2,alpha=4,targets=attn.qkv|attn.proj|mlp.fc1";
        using var model = new VisionTransformer(TestTensors.TinyVit);
        AdapterAttach.Attach(model, AdapterSpec.Parse(spec));
        TestTensors.Randomize(model, 0.3);
        model.eval();
        using var scope = NewDisposeScope();
        var images = randn(4, 1, 8, 8);
        var labels = tensor(new[] { 0L, 1L, 2L, 1L }, [4]);

        var ours = model.call(images);
        var reference = ReferenceVit.Run(model, spec, images, labels);

        Assert.True(TestTensors.MaxAbsDiff(ours, reference["logits"].ToTensor()) < 1e-4);
    }

    [TorchPythonFact]
    public void Forward_WithBottleneckAdapters_MatchesPyTorch()
    {
        Engine.Seed(12);
        const string spec = "bottleneck:reduction=4";
        using var model = new VisionTransformer(TestTensors.TinyVit);
        AdapterAttach.Attach(model, AdapterSpec.Parse(spec));
        TestTensors.Randomize(model, 0.3);
        model.eval();
        using var scope = NewDisposeScope();
        var images = randn(3, 1, 8, 8);
        var labels = tensor(new[] { 0L, 1L, 2L }, [3]);

        var ours = model.call(images);
        var reference = ReferenceVit.Run(model, spec, images, labels);

        Assert.True(TestTensors.MaxAbsDiff(ours, reference["logits"].ToTensor()) < 1e-4);
    }

    [TorchPythonFact]
    public void LossAndGradients_WithLora_MatchPyTorchInFloat64()
    {
        // Float64 on both sides, so the comparison measures the model (names, attention, LoRA scaling), not summation order.
        Engine.Seed(13);
        const string spec = "lora:r=2,alpha=4,targets=attn.qkv|attn.proj|mlp.fc1";
        using var model = new VisionTransformer(TestTensors.TinyVit);
        AdapterAttach.Attach(model, AdapterSpec.Parse(spec));
        TestTensors.Randomize(model, 0.3);
        model.to(ScalarType.Float64);
        model.eval();
        using var scope = NewDisposeScope();
        var images = randn([4, 1, 8, 8], ScalarType.Float64);
        var labels = tensor(new[] { 0L, 1L, 2L, 1L });
        var reference = ReferenceVit.Run(model, spec, images, labels, gradients: true);

        var loss = nn.functional.cross_entropy(model.call(images), labels);
        loss.backward();

        Assert.Equal(reference["loss"].ToArray<double>()[0], loss.item<double>(), 10);
        foreach (var (name, p) in model.NamedTrainableParameters())
            Assert.True(TestTensors.MaxAbsDiff(p.grad!, reference["grad." + name].ToTensor()) < 1e-5, $"gradient of {name} differs from PyTorch");
        Assert.Equal(model.NamedTrainableParameters().Count(), reference.Tensors.Count(t => t.Name.StartsWith("grad.", StringComparison.Ordinal)));
    }
}
