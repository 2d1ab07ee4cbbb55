using System.Text.Json;
using FedTransfer.Models.NN;
using FedTransfer.Models.Serialization;
using FedTransfer.Models.Tests.TestSupport;
using FedTransfer.Models.Training;
using FedTransfer.Weights.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.NN;

public sealed class ResNetTests
{
    [Fact]
    public void ResNet18_HasTorchvisionNamesAndParameterCount()
    {
        using var model = ResNet.ResNet18(classes: 1000);

        var state = model.state_dict();
        var parameters = model.parameters().Sum(p => p.numel());

        // torchvision's resnet18: 11,689,512 parameters.
        Assert.Equal(11_689_512, parameters);
        Assert.Contains("conv1.weight", state.Keys);
        Assert.Contains("bn1.running_mean", state.Keys);
        Assert.Contains("layer1.1.conv2.weight", state.Keys);
        Assert.Contains("layer4.0.downsample.0.weight", state.Keys);
        Assert.Contains("layer4.0.downsample.1.running_var", state.Keys);
        Assert.DoesNotContain("layer1.0.downsample.0.weight", state.Keys);
        Assert.Equal([1000L, 512L], state["fc.weight"].shape);
    }

    [Fact]
    public void Forward_OddImageSize_GivesOneLogitRowPerImage()
    {
        using var model = new ResNet([1, 1], classes: 4, channels: 1, width: 8);
        using var images = randn(3, 1, 37, 29);

        using var logits = model.call(images);

        Assert.Equal([3L, 4L], logits.shape);
    }

    [Fact]
    public void ReplaceHead_WrongWidth_SaysBothWidths()
    {
        using var model = new ResNet([1, 1], classes: 4, width: 8);
        using var head = new ClassificationHead(8, 2);

        var error = Assert.Throws<ArgumentException>(() => model.ReplaceHead(head));

        Assert.Contains("16", error.Message);
    }

    [TorchPythonFact]
    public void TrainingForwardAndBackward_MatchPyTorch()
    {
        // Float64 on both sides: the comparison then measures semantics (names, strides, padding, batch statistics,
        // residual adds, pooling), not float32 summation order.
        Engine.Seed(90);
        using var model = new ResNet([1, 1], classes: 3, channels: 3, width: 8);
        model.to(ScalarType.Float64);
        TestTensors.Randomize(model, 0.3);
        using var scope = NewDisposeScope();
        var images = randn([4, 3, 20, 20], ScalarType.Float64);
        var labels = tensor(new[] { 0L, 2L, 1L, 2L });
        var reference = RunReference(model, images, labels);

        model.train();
        var logits = model.call(images);
        var loss = nn.functional.cross_entropy(logits, labels);
        loss.backward();

        Assert.True(TestTensors.MaxAbsDiff(logits, reference["logits"].ToTensor()) < 1e-5, "training-mode logits differ from PyTorch");
        Assert.Equal(reference["loss"].ToArray<double>()[0], loss.item<double>(), 8);
        foreach (var (name, p) in model.named_parameters())
            Assert.True(TestTensors.MaxAbsDiff(p.grad!, reference["grad." + name].ToTensor()) < 1e-5, $"gradient of {name} differs from PyTorch");
        foreach (var (name, b) in model.named_buffers().Where(b => b.buffer.is_floating_point()))
            Assert.True(TestTensors.MaxAbsDiff(b, reference["state." + name].ToTensor()) < 1e-5, $"running statistic {name} differs from PyTorch");
        model.eval();
        using (no_grad())
            Assert.True(TestTensors.MaxAbsDiff(model.call(images), reference["eval_logits"].ToTensor()) < 1e-5, "evaluation-mode logits differ from PyTorch");
    }

    private static SafeTensorsFile RunReference(ResNet model, Tensor images, Tensor labels) =>
        ReferenceTorch.Exchange(ReferenceTorch.AssetPath("resnet_reference.py"), model,
            path => File.WriteAllText(path, JsonSerializer.Serialize(new { blocks = new[] { 1, 1 }, classes = 3, channels = 3, width = 8 })),
            images, labels);
}
