using System.Diagnostics;

namespace FedTransfer.Tests.Shared;

/// <summary>
/// Runs tools/audit/verify_ledger.py, the Python verifier written from docs/AUDIT-FORMAT.md alone, with Debian's
/// python3 (FEDTRANSFER_PYTHON overrides) and python3-cryptography. Linked into the test projects that use it.
/// </summary>
internal static class IndependentVerifier
{
    private static string Interpreter => Environment.GetEnvironmentVariable("FEDTRANSFER_PYTHON") is { Length: > 0 } python ? python : "/usr/bin/python3";

    private static string Script => Path.Combine(AppContext.BaseDirectory, "verify_ledger.py");

    /// <summary>The verifier's exit code and its output (stdout then stderr); killed after 60 s.</summary>
    public static async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Script);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {Interpreter}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Script} did not finish within 60 s");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
