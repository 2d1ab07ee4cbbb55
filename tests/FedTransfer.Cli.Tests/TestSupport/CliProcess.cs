using System.Diagnostics;

namespace FedTransfer.Cli.Tests.TestSupport;

/// <summary>
/// Runs <c>fedtransfer</c> in a process of its own, as an operator does, so that everything the hosts log to the console
/// is seen too (an in-process run shares the test's console).
/// </summary>
internal static class CliProcess
{
    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "fedtransfer.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"fedtransfer {string.Join(' ', args)} did not exit within 60 s; it should have refused to start");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
