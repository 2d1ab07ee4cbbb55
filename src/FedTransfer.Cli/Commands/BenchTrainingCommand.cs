using TorchSharp;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using FedTransfer.Weights;
using FedTransfer.Weights.Adapters;
using FedTransfer.Models;
using FedTransfer.Models.Adapters;
using FedTransfer.Models.NN;
using static TorchSharp.torch;
using FedTransfer.Models.Training;

namespace FedTransfer.Cli.Commands;

/// <summary>
/// Hidden <c>fedtransfer bench-training</c>: times the ViT + LoRA training step that bench/training.sh compares with
/// python3-torch (bench/training/torch_training.py builds the same model and step). Prints <c>samples_per_s=N</c>.
/// </summary>
internal static class BenchTrainingCommand
{
    public static Command Create()
    {
        var threads = TrainingCliOptions.AtLeast(new Option<int>("--threads") { Description = "libtorch CPU threads", DefaultValueFactory = _ => 1 }, 1);
        var batchSize = TrainingCliOptions.AtLeast(new Option<int>("--batch-size") { Description = "Images per step", DefaultValueFactory = _ => 64 }, 1);
        var steps = TrainingCliOptions.AtLeast(new Option<int>("--steps") { Description = "Timed steps", DefaultValueFactory = _ => 100 }, 1);
        var warmup = TrainingCliOptions.AtLeast(new Option<int>("--warmup") { Description = "Untimed steps first (allocator, optimizer state)", DefaultValueFactory = _ => 10 }, 0);
        var adapter = new Option<string>("--adapter") { Description = "Adapter spec of the timed model", DefaultValueFactory = _ => "lora:r=8,alpha=16,targets=attn.qkv|mlp.fc1" };
        var device = new Option<string>("--device") { Description = "cpu, cuda, cuda:N or auto", DefaultValueFactory = _ => "cpu" };
        var command = new Command("bench-training", "Time the ViT + LoRA training step (used by bench/training.sh)") { Hidden = true };
        foreach (var option in new Option[] { threads, batchSize, steps, warmup, adapter, device })
            command.Options.Add(option);

        command.SetAction((ParseResult r, CancellationToken ct) => CommandRunner.RunAsync(token =>
        {
            FedTransfer.Models.Engine.SetThreads(r.GetValue(threads));
            FedTransfer.Models.Engine.Seed(0);
            var dev = Engine.ParseDevice(r.GetValue(device)!);
            var batch = r.GetValue(batchSize);
            using var model = new VisionTransformer(new VisionTransformerConfig());
            AdapterAttach.Attach(model, AdapterSpec.Parse(r.GetValue(adapter)!));
            model.to(dev);
            using var trainer = new Trainer(model, new TrainerOptions { LearningRate = 1e-3, ClipNorm = 1.0, Device = dev });
            using var images = randn(batch, 1, 28, 28).to(dev);
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
                $"ours: {count} steps of batch {batch} in {seconds:F3} s on {dev.Describe()} with {FedTransfer.Models.Engine.Threads} thread(s)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"samples_per_cpu_s={count * batch / cpuSeconds:F1}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"samples_per_s={count * batch / seconds:F1}"));
            return 0;
        }, ct));
        return command;
    }
}
