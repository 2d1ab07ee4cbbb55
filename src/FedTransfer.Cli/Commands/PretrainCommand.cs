using TorchSharp;
using System.CommandLine;
using System.Globalization;
using FedTransfer.Models.Data;
using FedTransfer.Models.NN;
using FedTransfer.Models.Training;
using Spectre.Console;

namespace FedTransfer.Cli.Commands;

/// <summary>
/// <c>fedtransfer pretrain</c>: trains the small ViT backbone on Fashion-MNIST classes 0-4 (the source task) and writes
/// <c>backbone.safetensors</c> + <c>backbone.json</c>.
/// </summary>
internal static class PretrainCommand
{
    /// <summary>The source task: T-shirt/top, Trouser, Pullover, Dress, Coat.</summary>
    public static readonly int[] SourceClasses = [0, 1, 2, 3, 4];

    public static Command Create()
    {
        var common = new TrainingCliOptions();
        var output = new Option<string>("--out") { Description = "Directory for backbone.safetensors and backbone.json", DefaultValueFactory = _ => "data/backbone" };
        var epochs = TrainingCliOptions.AtLeast(new Option<int>("--epochs") { Description = "Passes over the training images", DefaultValueFactory = _ => 3 }, 1);
        var trainSize = TrainingCliOptions.AtLeast(new Option<int>("--train-size") { Description = "Training images sampled from classes 0-4 (at most 30,000)", DefaultValueFactory = _ => 30_000 }, 1);
        var batchSize = TrainingCliOptions.AtLeast(new Option<int>("--batch-size") { Description = "Images per step", DefaultValueFactory = _ => 64 }, 1);
        var learningRate = new Option<double>("--lr") { Description = "Peak AdamW learning rate (warm-up, then cosine decay)", DefaultValueFactory = _ => 2e-3 };
        var dim = TrainingCliOptions.AtLeast(new Option<int>("--dim") { Description = "Token width", DefaultValueFactory = _ => 64 }, 1);
        var depth = TrainingCliOptions.AtLeast(new Option<int>("--depth") { Description = "Transformer blocks", DefaultValueFactory = _ => 4 }, 1);
        var heads = TrainingCliOptions.AtLeast(new Option<int>("--heads") { Description = "Attention heads (must divide --dim)", DefaultValueFactory = _ => 4 }, 1);
        var patch = TrainingCliOptions.AtLeast(new Option<int>("--patch") { Description = "Patch side in pixels (must divide 28)", DefaultValueFactory = _ => 7 }, 1);
        var mlpRatio = new Option<double>("--mlp-ratio") { Description = "MLP hidden width as a multiple of --dim", DefaultValueFactory = _ => 2.0 };
        var augment = new Option<bool>("--augment") { Description = "Random shifts (±2 px) and horizontal flips while training", DefaultValueFactory = _ => true };
        var labelSmoothing = new Option<double>("--label-smoothing") { Description = "Cross-entropy label smoothing", DefaultValueFactory = _ => 0.1 };

        var command = new Command("pretrain", "Pretrain a small vision transformer on Fashion-MNIST classes 0-4 and save it as the backbone");
        foreach (var option in new Option[] { output, epochs, trainSize, batchSize, learningRate, dim, depth, heads, patch, mlpRatio, augment, labelSmoothing })
            command.Options.Add(option);
        common.AddTo(command);

        command.SetAction((ParseResult r, CancellationToken ct) => CommandRunner.RunAsync(token =>
        {
            var config = new VisionTransformerConfig
            {
                ImageSize = FashionMnist.ImageSize, Channels = 1, PatchSize = r.GetValue(patch), Dim = r.GetValue(dim), Depth = r.GetValue(depth),
                Heads = r.GetValue(heads), MlpRatio = r.GetValue(mlpRatio), Classes = SourceClasses.Length,
            }.Validate();
            var device = common.Apply(r);
            var dataDir = common.DataDirectory(r);
            var seed = (ulong)r.GetValue(common.Seed);
            var train = FashionMnist.Load(dataDir, FashionMnistSplit.Train, SourceClasses);
            train = train.Sample(Math.Min(r.GetValue(trainSize), train.Count), seed);
            var test = FashionMnist.Load(dataDir, FashionMnistSplit.Test, SourceClasses);

            AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"pretrain: ViT {config.ImageSize}x{config.ImageSize}/{config.PatchSize}, dim {config.Dim}, depth {config.Depth}, heads {config.Heads} on {device} ({FedTransfer.Models.Engine.Threads} CPU threads), {train.Count} images of classes 0-4")));
            using var model = new VisionTransformer(config);
            model.to(device);
            var options = new FitOptions
            {
                Epochs = r.GetValue(epochs), BatchSize = r.GetValue(batchSize), Seed = seed,
                Augmentation = r.GetValue(augment) ? new ImageAugmentation() : null,
                Trainer = new TrainerOptions { LearningRate = r.GetValue(learningRate), WeightDecay = 0.05, LabelSmoothing = r.GetValue(labelSmoothing), Device = device },
            };
            var fit = TrainingProgressView.Fit("pretrain", model, train, options, token);
            var eval = Trainer.Evaluate(model, test, 256, device);

            var files = new BackboneFiles(r.GetValue(output)!);
            files.Save(model, new Dictionary<string, string>
            {
                ["fedtransfer.kind"] = "backbone",
                ["fedtransfer.classes"] = string.Join(',', SourceClasses),
                ["fedtransfer.config"] = config.ToJson(),
            });
            ResultTable.Show("pretrain (source task: classes 0-4)", fit, eval, model.parameters().Sum(p => p.numel()), [
                ("backbone", files.WeightsPath),
                ("config", files.ConfigPath),
            ]);
            return 0;
        }, ct));
        return command;
    }
}
