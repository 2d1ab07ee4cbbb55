using FedTransfer.Models.NN;
using FedTransfer.Models.Tests.TestSupport;
using FedTransfer.Models.Training;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.Training;

public sealed class BackboneFilesTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fedtransfer-backbone-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void Save_Load_RebuildsTheSameModel()
    {
        Engine.Seed(90);
        using var model = new VisionTransformer(TestTensors.TinyVit);
        var files = new BackboneFiles(Path.Combine(_dir.FullName, "b"));

        files.Save(model);
        using var loaded = files.Load();

        Assert.Equal(model.Config, loaded.Config);
        Assert.Equal(model.state_dict()["pos_embed"].data<float>().ToArray(), loaded.state_dict()["pos_embed"].data<float>().ToArray());
        Assert.Empty(Directory.GetFiles(files.Directory, "*.tmp"));
    }

    [Fact]
    public void LoadConfig_WeightsMissing_SaysToRunPretrain()
    {
        var files = new BackboneFiles(_dir.FullName);
        TestTensors.TinyVit.Save(files.ConfigPath);

        var error = Assert.Throws<FileNotFoundException>(() => files.LoadConfig());

        Assert.Contains("fedtransfer pretrain", error.Message);
    }
}
