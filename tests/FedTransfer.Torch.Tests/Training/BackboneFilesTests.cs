using FedTransfer.Torch.NN;
using FedTransfer.Torch.Tests.TestSupport;
using FedTransfer.Torch.Training;

namespace FedTransfer.Torch.Tests.Training;

public sealed class BackboneFilesTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fedtransfer-backbone-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void Save_Load_RebuildsTheSameModel()
    {
        Torch.ManualSeed(90);
        using var model = new VisionTransformer(TestTensors.TinyVit);
        var files = new BackboneFiles(Path.Combine(_dir.FullName, "b"));

        files.Save(model);
        using var loaded = files.Load();

        Assert.Equal(model.Config, loaded.Config);
        Assert.Equal(model.StateDict()["pos_embed"].ToArray<float>(), loaded.StateDict()["pos_embed"].ToArray<float>());
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
