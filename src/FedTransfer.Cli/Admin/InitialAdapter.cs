using FedTransfer.Weights.Adapters;
using FedTransfer.Models.NN;
using FedTransfer.Models.Training;

namespace FedTransfer.Cli.Admin;

/// <summary>
/// The trainable set a federation starts from (adapters + a new task head), built by the same factory the sites use,
/// so its tensor names, dtypes and shapes are exactly what every site will train and send back.
/// </summary>
internal static class InitialAdapter
{
    public static void Write(BackboneFiles backbone, string adapterSpec, int classes, long seed, string path)
    {
        FedTransfer.Models.Engine.Seed(seed);
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
