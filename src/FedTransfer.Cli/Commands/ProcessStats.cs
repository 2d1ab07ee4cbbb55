using System.Globalization;

namespace FedTransfer.Cli.Commands;

/// <summary>Another process's memory and CPU as Linux reports them under /proc (bench-rounds watches its coordinator with it).</summary>
internal static class ProcessStats
{
    // USER_HZ, the unit of utime/stime in /proc/PID/stat: 100 on every mainstream Linux build (it is fixed at 100 for
    // user space whatever the kernel's internal tick rate).
    private const double TicksPerSecond = 100.0;

    /// <summary>A field of /proc/PID/status in KiB (VmRSS: resident now; VmHWM: the peak resident set).</summary>
    public static long StatusKb(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException($"/proc/{pid}/status has no {field}");
    }

    /// <summary>User + system CPU time the process has used so far, in milliseconds (resolution: one clock tick, usually 10 ms).</summary>
    public static double CpuMs(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) may contain spaces; the fields after its closing parenthesis are fixed.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks * 1000.0 / TicksPerSecond;
    }
}
