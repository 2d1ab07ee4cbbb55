using FedTransfer.Models.Import;
using FedTransfer.Models.Tests.TestSupport;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.Import;

/// <summary>The real ImageNet ResNet-18 of Microsoft.ML.DnnImageFeaturizer.ResNet18 (CNTK export) against ONNX Runtime.</summary>
public sealed class ResNet18ParityTests(ResNet18OnnxFixture fixture, ITestOutputHelper output) : IClassFixture<ResNet18OnnxFixture>
{
    [Fact]
    public void Import_PackagedResNet18_FindsItsNineBasicBlocks()
    {
        var imported = fixture.Imported;

        // The package's "ResNet18" has a third basic block in stage 4 (22 convolutions, 63.6 MB of float32 weights), one
        // more than torchvision's resnet18; the structure walk finds it and names it layer4.2.
        Assert.Equal([2, 2, 2, 3], imported.Blocks);
        Assert.Equal("resnet-basic[2,2,2,3]-w64", imported.Architecture);
        // torchvision resnet18 without fc (11,176,512) + the extra block's two 3x3 convs and batch norms (4,720,640).
        Assert.Equal(15_897_152, imported.Model.named_parameters().Where(p => !p.name.StartsWith("fc.")).Sum(p => p.parameter.numel()));
        Assert.Equal([1L, 3, 224, 224], imported.InputShape);
        Assert.Equal(512, imported.Model.Features);
        Assert.StartsWith("CNTK", imported.Producer);
        Assert.Matches("^[0-9a-f]{64}$", imported.SourceSha256);
    }

    [Fact]
    public void ForwardFeatures_PackagedResNet18_MatchesOnnxRuntimeWithin1e4()
    {
        using var reference = new OnnxRuntimeReference(PackagedModels.ResNet18Onnx);
        var worst = 0.0;
        foreach (var seed in new[] { 1, 2, 3 })
        {
            var image = ResNet18OnnxFixture.RandomImage(seed);
            var expected = reference.Run(image, [1, 3, 224, 224]);
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var actual = fixture.Imported.Model.ForwardFeatures(tensor(image, [1, 3, 224, 224])).Values();

            Assert.Equal(512, actual.Length);
            Assert.Contains(expected, v => v > 0.1f);
            worst = Math.Max(worst, expected.Zip(actual).Max(p => Math.Abs((double)p.First - p.Second)));
        }
        output.WriteLine($"resnet18_max_abs_diff_vs_onnxruntime={worst:E3}");
        Assert.True(worst <= 1e-4, $"max abs difference against ONNX Runtime {worst:E2} > 1e-4");
    }
}
