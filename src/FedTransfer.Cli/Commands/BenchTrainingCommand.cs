using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using FedTransfer.Federation.Hosting;
using FedTransfer.Models;
using FedTransfer.Models.Adapters;
using FedTransfer.Models.NN;
using FedTransfer.Models.Training;
using FedTransfer.Weights.Adapters;
using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Cli.Commands;

/// <summary>
/// Hidden <c>fedtransfer bench-training</c>: times the training step that bench/training.sh compares with python3-torch
/// (bench/training/torch_training.py builds the same model and step): the ViT + LoRA step, or (<c>--model resnet18</c>) a
/// ResNet-18 at 112×112 with a frozen backbone and a trained linear head. Prints <c>samples_per_s=N</c> and the process's
/// peak resident memory.
/// </summary>
internal static class BenchTrainingCommand
{
    public static Command Create()
    {
        var threads = TrainingCliOptions.AtLeast(new Option<int>("--threads") { Description = "libtorch CPU threads", DefaultValueFactory = _ => 1 }, 1);
        var batchSize = TrainingCliOptions.AtLeast(new Option<int>("--batch-size") { Description = "Images per step", DefaultValueFactory = _ => 64 }, 1);
        var steps = TrainingCliOptions.AtLeast(new Option<int>("--steps") { Description = "Timed steps", DefaultValueFactory = _ => 100 }, 1);
        var warmup = TrainingCliOptions.AtLeast(new Option<int>("--warmup") { Description = "Untimed steps first (allocator, optimizer state)", DefaultValueFactory = _ => 10 }, 0);
        var adapter = new Option<string>("--adapter") { Description = "Adapter spec of the timed ViT", DefaultValueFactory = _ => "lora:r=8,alpha=16,targets=attn.qkv|mlp.fc1" };
        var modelName = new Option<string>("--model") { Description = "vit (28x28 ViT + adapter) or resnet18 (112x112, linear head)", DefaultValueFactory = _ => "vit" };
        modelName.AcceptOnlyFromAmong("vit", "resnet18");
        var device = new Option<string>("--device") { Description = "cpu, cuda, cuda:N or auto", DefaultValueFactory = _ => "cpu" };
        var command = new Command("bench-training", "Time a training step (used by bench/training.sh)") { Hidden = true };
        foreach (var option in new Option[] { threads, batchSize, steps, warmup, adapter, modelName, device })
            command.Options.Add(option);

        command.SetAction((ParseResult r, CancellationToken ct) => CommandRunner.RunAsync(token =>
        {
            Engine.SetThreads(r.GetValue(threads));
            Engine.Seed(0);
            var dev = Engine.ParseDevice(r.GetValue(device)!);
            var batch = r.GetValue(batchSize);
            var resnet = r.GetValue(modelName) == "resnet18";
            using var model = resnet ? (nn.Module<Tensor, Tensor>)ResNet.ResNet18(classes: 5) : new VisionTransformer(new VisionTransformerConfig());
            AdapterAttach.Attach(model, resnet ? new HeadOnlySpec() : AdapterSpec.Parse(r.GetValue(adapter)!));
            model.to(dev);
            using var trainer = new Trainer(model, new TrainerOptions { LearningRate = 1e-3, ClipNorm = 1.0, Device = dev });
            using var images = (resnet ? randn(batch, 3, 112, 112) : randn(batch, 1, 28, 28)).to(dev);
            using var labels = tensor(Enumerable.Range(0, batch).Select(i => (long)(i % 5)).ToArray()).to(dev);
            for (var i = 0; i < r.GetValue(warmup); i++)
                trainer.Step(images, labels);
            var count = r.GetValue(steps);
            var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                token.ThrowIfCancellationRequested();
                trainer.Step(images, labels);
            }
            var seconds = clock.Elapsed.TotalSeconds;
            // CPU time of the whole process (GC and JIT threads included): a figure that busy neighbours distort less than wall time.
            var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ours ({r.GetValue(modelName)}, libtorch {__version__}): {count} steps of batch {batch} in {seconds:F3} s on {dev.Describe()} with {Engine.Threads} thread(s)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"samples_per_cpu_s={count * batch / cpuSeconds:F1}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"samples_per_s={count * batch / seconds:F1}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak_rss_mb={PeakMemory.Megabytes() ?? double.NaN:F0}"));
            return 0;
        }, ct));
        return command;
    }
}
