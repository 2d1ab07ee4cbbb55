namespace FedTransfer.Cli.Experiment;

/// <summary>What the figures were measured on: core count, CPU model (from /proc/cpuinfo) and the date.</summary>
internal sealed record MachineInfo(int Cores, string CpuModel, DateTime StartedUtc)
{
    public static MachineInfo Current(DateTime startedUtc) => new(Environment.ProcessorCount, ReadCpuModel(), startedUtc);

    private static string ReadCpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "unknown (no 'model name' in /proc/cpuinfo)" : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException)
        {
            return "unknown (/proc/cpuinfo unreadable)";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown (/proc/cpuinfo unreadable)";
        }
    }
}
