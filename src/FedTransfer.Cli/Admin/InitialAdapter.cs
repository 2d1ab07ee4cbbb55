using FedTransfer.Torch.Adapters;
using FedTransfer.Torch.NN;
using FedTransfer.Torch.Training;

namespace FedTransfer.Cli.Admin;

/// <summary>
/// The trainable set a federation starts from (adapters + a new task head), built by the same factory the sites use,
/// so its tensor names, dtypes and shapes are exactly what every site will train and send back.
/// </summary>
internal static class InitialAdapter
{
    public static void Write(BackboneFiles backbone, string adapterSpec, int classes, long seed, string path)
    {
        FedTransfer.Torch.Torch.ManualSeed(seed);
        using var model = Create(backbone, AdapterSpec.Parse(adapterSpec), classes);
        ModelCheckpoint.SaveTrainable(model, path, new Dictionary<string, string>
        {
            ["fedtransfer.kind"] = "initial-adapter",
            ["fedtransfer.adapter_spec"] = adapterSpec,
        });
    }

    public static VisionTransformer Create(BackboneFiles backbone, AdapterSpec spec, int classes) =>
        TransferModelFactory.Create(backbone.LoadConfig(), backbone.WeightsPath, TrainingModes.Of(spec), spec, classes);
}
