namespace FedTransfer.Cli.Experiment;

/// <summary>Mean and sample standard deviation (n − 1; 0 for a single value) of a set of measurements.</summary>
internal readonly record struct MeanStd(double Mean, double Std, int Count)
{
    public static MeanStd Of(IReadOnlyCollection<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) return new MeanStd(double.NaN, double.NaN, 0);
        var mean = values.Average();
        var std = values.Count < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        return new MeanStd(mean, std, values.Count);
    }
}
