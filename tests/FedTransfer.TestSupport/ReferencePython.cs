using System.Diagnostics;

namespace FedTransfer.TestSupport;

/// <summary>Debian's python3 with numpy, used as an independent reference implementation in interop tests.</summary>
public static class ReferencePython
{
    private static readonly Lazy<string?> Unavailable = new(Probe);

    public static string Executable =>
        Environment.GetEnvironmentVariable("FEDTRANSFER_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";

    /// <summary>Null when python3 with numpy runs; otherwise why not.</summary>
    public static string? WhyUnavailable => Unavailable.Value;

    /// <summary>Runs <paramref name="script"/> with arguments; returns exit code and combined output.</summary>
    public static (int ExitCode, string Output) Run(string script, params string[] args)
    {
        var psi = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {Executable}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Executable} did not finish within 60 s.");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static string? Probe()
    {
        if (!File.Exists(Executable)) return $"{Executable} not found (set FEDTRANSFER_PYTHON)";
        try
        {
            var (code, output) = Run("import numpy");
            return code == 0 ? null : $"{Executable} has no numpy: {output.Trim()}";
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or TimeoutException)
        {
            return $"{Executable} does not run: {e.Message}";
        }
    }
}

/// <summary>A fact that is skipped, with the reason, when the reference Python (numpy) is not installed.</summary>
public sealed class PythonFactAttribute : FactAttribute
{
    public PythonFactAttribute()
    {
        if (ReferencePython.WhyUnavailable is { } why) Skip = $"Reference Python unavailable: {why}";
    }
}
