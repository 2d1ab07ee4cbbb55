using System.Diagnostics;
using System.Net.Sockets;

namespace FedTransfer.Cli.Demo;

/// <summary>
/// Starts other <c>fedtransfer</c> processes (coordinator, sites) with their output in log files, and
/// guarantees they are stopped: politely first (SIGTERM lets hosts shut down gracefully), then killed.
/// </summary>
internal sealed class ChildProcessGroup : IAsyncDisposable
{
    private readonly List<(string Name, Process Process)> _children = [];
    private readonly string _logDirectory;

    public ChildProcessGroup(string logDirectory)
    {
        _logDirectory = logDirectory;
        Directory.CreateDirectory(logDirectory);
        // Ctrl+C or a crash of the demo must not leave servers behind.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
    }

    /// <summary>Starts <c>fedtransfer args…</c> (the same executable/assembly as this process) with output to NAME.log.</summary>
    public Process Start(string name, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = SelfInvocation();
        foreach (var a in args)
            info.ArgumentList.Add(a);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        info.Environment["NO_COLOR"] = "1";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
            info.Environment[k] = v;

        var log = new StreamWriter(Path.Combine(_logDirectory, name + ".log")) { AutoFlush = true };
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.Exited += (_, _) => { lock (log) log.Flush(); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _children.Add((name, process));
        return process;
    }

    public string LogPath(string name) => Path.Combine(_logDirectory, name + ".log");

    /// <summary>Waits until something accepts TCP connections on the port, or the process died, or the time ran out.</summary>
    public static async Task WaitForPortAsync(Process process, int port, TimeSpan timeout, CancellationToken ct)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"The process exited with code {process.ExitCode} before listening on port {port}.");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, ct);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100, ct);
            }
        }
        throw new TimeoutException($"Nothing listened on 127.0.0.1:{port} within {timeout.TotalSeconds:F0} s.");
    }

    /// <summary>A free loopback port, chosen by the OS.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, p) in _children)
            TrySignalTerm(p);
        var deadline = Task.Delay(TimeSpan.FromSeconds(10));
        foreach (var (_, p) in _children)
        {
            var exited = p.WaitForExitAsync();
            if (await Task.WhenAny(exited, deadline) != exited)
                break;
        }
        KillAll();
    }

    private void KillAll()
    {
        foreach (var (_, p) in _children)
        {
            try
            {
                if (!p.HasExited)
                    p.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }
    }

    private static void TrySignalTerm(Process p)
    {
        try
        {
            if (!p.HasExited)
                Posix.Kill(p.Id, Posix.SigTerm);
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>How to run this same program again: the apphost directly, or <c>dotnet fedtransfer.dll</c>.</summary>
    private static ProcessStartInfo SelfInvocation()
    {
        var processPath = Environment.ProcessPath!;
        var entry = typeof(ChildProcessGroup).Assembly.Location;
        return Path.GetFileNameWithoutExtension(processPath) == "dotnet"
            ? new ProcessStartInfo(processPath) { ArgumentList = { entry } }
            : new ProcessStartInfo(processPath);
    }
}
