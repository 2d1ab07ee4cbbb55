using FedTransfer.Models.NN;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.NN;

public sealed class VisionTransformerConfigTests
{
    [Fact]
    public void ToJson_FromJson_RoundTrips()
    {
        var config = new VisionTransformerConfig { Dim = 32, Depth = 3, Heads = 2, MlpRatio = 1.5, Classes = 7, Dropout = 0.1 };

        var parsed = VisionTransformerConfig.FromJson(config.ToJson());

        Assert.Equal(config, parsed);
        Assert.Contains("\"patch_size\": 7", config.ToJson());
    }

    [Fact]
    public void FromJson_UnknownField_IsAnError()
    {
        var error = Assert.Throws<FormatException>(() => VisionTransformerConfig.FromJson("{\"dim\": 64, \"depht\": 4}"));

        Assert.Contains("depht", error.Message);
    }

    [Theory]
    [InlineData("{\"patch_size\": 5}", "patch_size 5 must divide image_size 28")]
    [InlineData("{\"heads\": 3}", "heads 3 must divide dim 64")]
    [InlineData("{\"depth\": 0}", "must be positive")]
    [InlineData("{\"dropout\": 1.5}", "dropout must be in [0, 1)")]
    public void FromJson_InconsistentShape_NamesTheField(string json, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => VisionTransformerConfig.FromJson(json));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Load_MissingFile_SaysWhatToRun()
    {
        var error = Assert.Throws<FileNotFoundException>(() => VisionTransformerConfig.Load("/nonexistent/backbone.json"));

        Assert.Contains("fedtransfer pretrain", error.Message);
    }

    [Fact]
    public void Load_MalformedJson_NamesThePath()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "{ not json");

            var error = Assert.Throws<FormatException>(() => VisionTransformerConfig.Load(path));

            Assert.Contains(path, error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
