using System.CommandLine;
using Spectre.Console;

namespace FedTransfer.Cli.Tests.TestSupport;

/// <summary>Runs the <c>fedtransfer</c> command in-process and captures everything it prints.</summary>
internal static class CliRun
{
    public static async Task<(int ExitCode, string Output)> InvokeAsync(params string[] args)
    {
        var writer = new StringWriter();
        var previous = AnsiConsole.Console;
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        try
        {
            var code = await FedTransferCommand.Build().Parse(args).InvokeAsync(new InvocationConfiguration { Output = writer, Error = writer });
            return (code, writer.ToString());
        }
        finally
        {
            AnsiConsole.Console = previous;
        }
    }
}

/// <summary>
/// CLI tests swap the process-wide <see cref="AnsiConsole.Console"/> and train on all cores, so they run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CliCollection
{
    public const string Name = "cli console";
}

/// <summary>A fact skipped, with the reason, when Debian's dataset-fashion-mnist is not installed.</summary>
public sealed class FashionMnistFactAttribute : FactAttribute
{
    public FashionMnistFactAttribute()
    {
        if (!FedTransfer.Models.Data.FashionMnist.IsAvailable(FedTransfer.Models.Data.FashionMnist.DefaultDirectory, FedTransfer.Models.Data.FashionMnistSplit.Train)
            || !FedTransfer.Models.Data.FashionMnist.IsAvailable(FedTransfer.Models.Data.FashionMnist.DefaultDirectory, FedTransfer.Models.Data.FashionMnistSplit.Test))
            Skip = $"Fashion-MNIST not found in {FedTransfer.Models.Data.FashionMnist.DefaultDirectory}; install 'dataset-fashion-mnist' (./build.sh setup) to run this test.";
    }
}
