using FedTransfer.Models.NN;
using TorchSharp;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FedTransfer.Weights.Adapters;
using FedTransfer.Models.Data;
using FedTransfer.Models.Training;
using Spectre.Console;

namespace FedTransfer.Cli.Commands;

/// <summary>
/// <c>fedtransfer finetune</c>: loads the backbone, attaches adapters and a new head, trains on a small labelled subset of
/// Fashion-MNIST classes 5-9 (classes the backbone never saw), evaluates on their held-out test images and writes only
/// the trained tensors (adapters + head; everything for full/scratch) plus a JSON summary.
/// </summary>
internal static class FinetuneCommand
{
    /// <summary>The target task: Sandal, Shirt, Sneaker, Bag, Ankle boot.</summary>
    public static readonly int[] TargetClasses = [5, 6, 7, 8, 9];

    public static Command Create()
    {
        var common = new TrainingCliOptions();
        var backbone = new Option<string>("--backbone") { Description = "Directory holding backbone.safetensors and backbone.json", DefaultValueFactory = _ => "data/backbone" };
        var mode = new Option<string>("--mode") { Description = "What to train: lora, bottleneck, head-only, full, scratch", DefaultValueFactory = _ => "lora" };
        mode.AcceptOnlyFromAmong([.. TrainingModes.Names]);
        var adapter = new Option<string?>("--adapter") { Description = "Adapter spec, e.g. 'lora:r=8,alpha=16,targets=attn.qkv|attn.proj' or 'bottleneck:reduction=4' (default depends on --mode)" };
        var output = new Option<string?>("--out") { Description = "Output directory (default data/finetune/<mode>)" };
        var trainSize = TrainingCliOptions.AtLeast(new Option<int>("--train-size") { Description = "Labelled training images sampled from classes 5-9", DefaultValueFactory = _ => 1_000 }, 1);
        var epochs = TrainingCliOptions.AtLeast(new Option<int>("--epochs") { Description = "Passes over the labelled subset (sites fine-tune briefly)", DefaultValueFactory = _ => 5 }, 1);
        var batchSize = TrainingCliOptions.AtLeast(new Option<int>("--batch-size") { Description = "Images per step", DefaultValueFactory = _ => 32 }, 1);
        var learningRate = new Option<double?>("--lr") { Description = "Peak AdamW learning rate (default depends on --mode)" };
        var evalSize = TrainingCliOptions.AtLeast(new Option<int>("--eval-size") { Description = "Held-out test images of classes 5-9 to evaluate on (at most 5,000)", DefaultValueFactory = _ => 5_000 }, 1);

        var command = new Command("finetune", "Fine-tune adapters and a new head on Fashion-MNIST classes 5-9 from a small labelled subset");
        foreach (var option in new Option[] { backbone, mode, adapter, output, trainSize, epochs, batchSize, learningRate, evalSize })
            command.Options.Add(option);
        common.AddTo(command);

        command.SetAction((ParseResult r, CancellationToken ct) => CommandRunner.RunAsync(token =>
        {
            var trainingMode = TrainingModes.Parse(r.GetValue(mode)!);
            var spec = r.GetValue(adapter) is { } text ? AdapterSpec.Parse(text) : DefaultAdapter(trainingMode);
            var device = common.Apply(r);
            var dataDir = common.DataDirectory(r);
            var files = new BackboneFiles(r.GetValue(backbone)!);
            var config = files.LoadConfig();
            var seed = (ulong)r.GetValue(common.Seed);
            var train = FashionMnist.Load(dataDir, FashionMnistSplit.Train, TargetClasses);
            train = train.Sample(Math.Min(r.GetValue(trainSize), train.Count), seed);
            var test = FashionMnist.Load(dataDir, FashionMnistSplit.Test, TargetClasses);
            test = test.Sample(Math.Min(r.GetValue(evalSize), test.Count), seed + 1);

            using var model = TransferModelFactory.Create(config, files.WeightsPath, trainingMode, spec, TargetClasses.Length);
            model.to(device);
            var trainable = model.NamedTrainableParameters().Sum(p => p.parameter.numel());
            var total = model.parameters().Sum(p => p.numel());
            AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"finetune --mode {trainingMode.ToName()}{(spec is null ? "" : $" ({spec})")} on {device} ({FedTransfer.Models.Engine.Threads} CPU threads): {train.Count} images of classes 5-9, training {trainable:N0} of {total:N0} parameters")));
            var options = new FitOptions
            {
                Epochs = r.GetValue(epochs), BatchSize = r.GetValue(batchSize), Seed = seed, WarmupFraction = 0.1,
                Trainer = new TrainerOptions { LearningRate = r.GetValue(learningRate) ?? DefaultLearningRate(trainingMode), WeightDecay = 0.01, Device = device },
            };
            var fit = TrainingProgressView.Fit($"finetune {trainingMode.ToName()}", model, train, options, token);
            var eval = Trainer.Evaluate(model, test, 256, device);

            var outDir = r.GetValue(output) ?? Path.Combine("data", "finetune", trainingMode.ToName());
            Directory.CreateDirectory(outDir);
            var weightsPath = Path.Combine(outDir, trainingMode is TrainingMode.Full or TrainingMode.Scratch ? "model.safetensors" : "adapter.safetensors");
            var metadata = new Dictionary<string, string>
            {
                ["fedtransfer.kind"] = "trainable",
                ["fedtransfer.mode"] = trainingMode.ToName(),
                ["fedtransfer.adapter"] = spec?.ToString() ?? "",
                ["fedtransfer.classes"] = string.Join(',', TargetClasses),
                ["fedtransfer.config"] = (config with { Classes = TargetClasses.Length }).ToJson(),
            };
            ModelCheckpoint.SaveTrainable(model, weightsPath, metadata);
            var summaryPath = Path.Combine(outDir, "finetune.json");
            File.WriteAllText(summaryPath, JsonSerializer.Serialize(new FinetuneSummary(trainingMode.ToName(), spec?.ToString(), train.Count, eval.Count,
                eval.Accuracy, eval.Loss, fit.Accuracy, fit.Loss, trainable, total, fit.Elapsed.TotalSeconds, fit.SamplesPerSecond), SummaryJson));
            ResultTable.Show($"finetune {trainingMode.ToName()} (target task: classes 5-9)", fit, eval, trainable, [
                ("trained tensors", weightsPath),
                ("summary", summaryPath),
            ]);
            return 0;
        }, ct));
        return command;
    }

    /// <summary>LoRA on the fused qkv and the MLP input, bottleneck width 16 at dim 64: small, and enough to adapt.</summary>
    internal static AdapterSpec? DefaultAdapter(TrainingMode mode) => mode switch
    {
        TrainingMode.Lora => AdapterSpec.Parse("lora:r=8,alpha=16,targets=attn.qkv|mlp.fc1"),
        TrainingMode.Bottleneck => AdapterSpec.Parse("bottleneck:reduction=4"),
        _ => null,
    };

    /// <summary>Adapters and heads start from zero or random and tolerate a larger rate than the pretrained weights do.</summary>
    internal static double DefaultLearningRate(TrainingMode mode) => mode switch
    {
        TrainingMode.Full => 5e-4,
        TrainingMode.Scratch => 2e-3,
        _ => 6e-3,
    };

    private static readonly JsonSerializerOptions SummaryJson = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private sealed record FinetuneSummary(string Mode, string? Adapter, int TrainImages, long TestImages, double TestAccuracy, double TestLoss,
        double TrainAccuracy, double TrainLoss, long TrainedParameters, long TotalParameters, double TrainingSeconds, double SamplesPerSecond);
}
