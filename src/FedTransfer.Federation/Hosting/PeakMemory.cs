using System.Globalization;

namespace FedTransfer.Federation.Hosting;

/// <summary>The most resident memory this process has held (Linux VmHWM), native allocations such as tensors included.</summary>
public static class PeakMemory
{
    /// <summary>Peak resident set in MiB, or null where /proc/self/status does not say (not Linux).</summary>
    public static double? Megabytes()
    {
        if (!File.Exists("/proc/self/status")) return null;
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal)
                && long.TryParse(line["VmHWM:".Length..].Trim().Split(' ')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var kib))
                return kib / 1024.0;
        return null;
    }
}
