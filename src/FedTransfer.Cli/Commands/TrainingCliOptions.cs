using FedTransfer.Models;
using System.CommandLine;
using FedTransfer.Weights;
using FedTransfer.Models.Data;

namespace FedTransfer.Cli.Commands;

/// <summary>Options every training command shares: where the data is, which device, how many threads, which seed.</summary>
internal sealed class TrainingCliOptions
{
    public Option<string> Data { get; } = new("--data")
    {
        Description = "Directory with the Fashion-MNIST IDX files (Debian's dataset-fashion-mnist)",
        DefaultValueFactory = _ => FashionMnist.DefaultDirectory,
    };

    public Option<string> Device { get; } = new("--device")
    {
        Description = "Where to train: cpu, cuda, cuda:N or auto (CUDA when available)",
        DefaultValueFactory = _ => "auto",
    };

    public Option<int> Threads { get; } = new("--threads")
    {
        Description = "CPU threads for libtorch (default: the number of cores)",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };

    public Option<int> Seed { get; } = new("--seed")
    {
        Description = "Seed for initialisation, sampling and shuffling",
        DefaultValueFactory = _ => 1,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Data);
        command.Options.Add(Device);
        command.Options.Add(Threads);
        command.Options.Add(Seed);
    }

    /// <summary>Applies thread count and seed to libtorch and resolves the device, failing clearly when CUDA is asked for but absent.</summary>
    public TorchSharp.torch.Device Apply(ParseResult result)
    {
        var threads = result.GetValue(Threads);
        if (threads <= 0)
            throw new ArgumentException($"--threads must be at least 1, got {threads}");
        FedTransfer.Models.Engine.SetThreads(threads);
        FedTransfer.Models.Engine.Seed(result.GetValue(Seed));
        var device = FedTransfer.Models.Engine.ParseDevice(result.GetValue(Device)!);
        if (device.IsCuda() && Math.Max(device.index, 0) >= TorchSharp.torch.cuda.device_count())
            throw new ArgumentException($"--device {device.Describe()} is not available (CUDA devices: {TorchSharp.torch.cuda.device_count()}); use --device cpu or auto");
        return device;
    }

    /// <summary>Checks the Fashion-MNIST files exist, with the package to install when they do not.</summary>
    public string DataDirectory(ParseResult result)
    {
        var dir = result.GetValue(Data)!;
        if (!FashionMnist.IsAvailable(dir, FashionMnistSplit.Train) || !FashionMnist.IsAvailable(dir, FashionMnistSplit.Test))
            throw new FileNotFoundException($"Fashion-MNIST files not found in '{dir}'; install Debian's dataset-fashion-mnist (./build.sh setup) or pass --data DIR");
        return dir;
    }

    /// <summary>Adds a validator that rejects values below <paramref name="min"/> with the option's name in the message.</summary>
    public static Option<T> AtLeast<T>(Option<T> option, T min) where T : IComparable<T>
    {
        option.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<T>();
            if (value is not null && value.CompareTo(min) < 0)
                r.AddError($"{option.Name} must be at least {min}, got {value}");
        });
        return option;
    }
}
