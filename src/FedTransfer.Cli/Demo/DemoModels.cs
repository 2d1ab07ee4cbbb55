using FedTransfer.Cli.Admin;
using FedTransfer.Weights;
using FedTransfer.Weights.Adapters;
using FedTransfer.Models.Data;
using FedTransfer.Models.NN;
using FedTransfer.Models.Training;

namespace FedTransfer.Cli.Demo;

/// <summary>
/// The demo's model work that happens outside the federation: the initial global adapter, the baselines
/// (each site alone, centralised on pooled data) and evaluating any adapter on the shared test set.
/// All start from the same backbone, adapter spec and initial adapter, so the comparison is fair.
/// </summary>
internal sealed class DemoModels(DemoSettings settings, BackboneFiles backbone)
{
    private readonly AdapterSpec _spec = AdapterSpec.Parse(settings.AdapterSpec);

    /// <summary>Writes the initial trainable set (adapters + new head) the federation starts from.</summary>
    public string WriteInitialAdapter(string path)
    {
        InitialAdapter.Write(backbone, settings.AdapterSpec, DemoSettings.Classes, (long)settings.Seed, path);
        return path;
    }

    /// <summary>Trains from the initial adapter on <paramref name="train"/> for as many passes as the federation made.</summary>
    public EvaluationResult TrainAndEvaluate(string initialAdapter, Dataset train, Dataset test, CancellationToken ct)
    {
        using var model = Create();
        ModelCheckpoint.LoadTrainable(model, initialAdapter);
        Fitter.Fit(model, train, new FitOptions
        {
            Epochs = settings.Rounds * settings.LocalEpochs,
            BatchSize = settings.BatchSize,
            Seed = settings.Seed,
            Trainer = new TrainerOptions { LearningRate = settings.LearningRate },
        }, cancellationToken: ct);
        return Evaluate(model, test);
    }

    /// <summary>Accuracy and loss of the backbone with the given trainable set on <paramref name="test"/>.</summary>
    public EvaluationResult EvaluateAdapter(string adapterPath, Dataset test)
    {
        using var model = Create();
        ModelCheckpoint.LoadTrainable(model, adapterPath);
        return Evaluate(model, test);
    }

    private static EvaluationResult Evaluate(TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> model, Dataset test) =>
        Trainer.Evaluate(model, test, 256, TorchSharp.torch.CPU);

    private VisionTransformer Create() => InitialAdapter.Create(backbone, _spec, DemoSettings.Classes);
}
