using System.Globalization;
using FedTransfer.Models.Training;
using Spectre.Console;

namespace FedTransfer.Cli.Commands;

/// <summary>The closing summary of a training command: training and held-out figures, then the files written.</summary>
internal static class ResultTable
{
    public static void Show(string title, FitResult fit, EvaluationResult eval, long trainableElements, IEnumerable<(string Name, string Value)> extra)
    {
        var table = new Table().Title(Markup.Escape(title)).AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
        void Row(string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));
        var inv = CultureInfo.InvariantCulture;
        Row("test accuracy", eval.Accuracy.ToString("P2", inv));
        Row("test loss", eval.Loss.ToString("F4", inv));
        Row("test images", eval.Count.ToString("N0", inv));
        Row("train accuracy (last epoch)", fit.Accuracy.ToString("P2", inv));
        Row("train loss (last epoch)", fit.Loss.ToString("F4", inv));
        Row("trained parameters", trainableElements.ToString("N0", inv));
        Row("training time", $"{fit.Elapsed.TotalSeconds.ToString("F1", inv)} s");
        Row("throughput", $"{fit.SamplesPerSecond.ToString("F0", inv)} samples/s");
        foreach (var (name, value) in extra)
            Row(name, value);
        AnsiConsole.Write(table);
    }
}
