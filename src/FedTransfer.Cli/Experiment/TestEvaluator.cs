using FedTransfer.Cli.Admin;
using FedTransfer.Weights;
using FedTransfer.Weights.Adapters;
using FedTransfer.Models.Data;
using FedTransfer.Models.Training;

namespace FedTransfer.Cli.Experiment;

/// <summary>
/// Test accuracy of a trainable set (adapters + head, or the whole model for full fine-tuning) on the held-out test
/// images, with the model built by the same factory the sites use. Safe to call from several threads at once.
/// </summary>
internal sealed class TestEvaluator(BackboneFiles backbone, Dataset test)
{
    public int Count => test.Count;

    public double Accuracy(string adapterSpec, string adapterPath)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        using var model = InitialAdapter.Create(backbone, AdapterSpec.Parse(adapterSpec), ExperimentSettings.Classes);
        ModelCheckpoint.LoadTrainable(model, adapterPath);
        return Trainer.Evaluate(model, test, 250, TorchSharp.torch.CPU).Accuracy;
    }
}
