using System.Diagnostics;
using System.Text;

namespace FedTransfer.EndToEnd.Tests.Support;

/// <summary>
/// Debian's python3 with python3-grpcio as the reference gRPC peer. The contract's message classes are generated from
/// protos/ with protoc into a temporary folder per peer; every process it starts is killed on dispose.
/// </summary>
internal sealed class PythonPeer : IDisposable
{
    private readonly string _workDir;
    private readonly List<Process> _processes = [];

    private PythonPeer(string workDir) => _workDir = workDir;

    private static string Interpreter => Environment.GetEnvironmentVariable("FEDTRANSFER_PYTHON") is { Length: > 0 } python ? python : "/usr/bin/python3";

    private static string ScriptDir => Path.Combine(AppContext.BaseDirectory, "Interop", "python");

    /// <summary>Generates the Python message modules of protos/fedtransfer/v1; fails with a clear message when protoc is missing.</summary>
    public static async Task<PythonPeer> CreateAsync()
    {
        var workDir = Directory.CreateTempSubdirectory("fedtransfer-interop-").FullName;
        var protoRoot = Path.Combine(AppContext.BaseDirectory, "Protos");
        var protos = Directory.GetFiles(Path.Combine(protoRoot, "fedtransfer", "v1"), "*.proto").Select(p => Path.GetRelativePath(protoRoot, p));
        var (code, _, stderr) = await RunToEndAsync("protoc", ["-I", protoRoot, "--python_out", workDir, .. protos], workDir, TimeSpan.FromSeconds(30));
        if (code != 0)
        {
            Directory.Delete(workDir, recursive: true);
            throw new InvalidOperationException($"protoc failed ({code}): {stderr}; install protobuf-compiler (./build.sh setup)");
        }
        return new PythonPeer(workDir);
    }

    /// <summary>Runs a script to completion and answers its standard output; throws with its standard error when it fails or times out.</summary>
    public async Task<string> RunScriptAsync(string script, IEnumerable<string> args, TimeSpan timeout)
    {
        var (code, stdout, stderr) = await RunToEndAsync(Interpreter, [Path.Combine(ScriptDir, script), .. args], _workDir, timeout, PythonEnvironment());
        return code == 0 ? stdout : throw new InvalidOperationException($"{script} exited with {code}: {stderr}\n{stdout}");
    }

    /// <summary>Starts a long-running script (stopped when its standard input closes, or on dispose) and waits for its "PORT n" line.</summary>
    public async Task<int> StartServerAsync(string script, TimeSpan timeout)
    {
        var process = Start(Interpreter, [Path.Combine(ScriptDir, script)], _workDir, PythonEnvironment());
        _processes.Add(process);
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
            {
                if (line.StartsWith("PORT ", StringComparison.Ordinal)) return int.Parse(line.AsSpan(5));
            }
        }
        catch (OperationCanceledException)
        {
            // Reported below with what the script said.
        }
        lock (stderr) throw new InvalidOperationException($"{script} did not report its port within {timeout}: {stderr}");
    }

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            process.Dispose();
        }
        try
        {
            Directory.Delete(_workDir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: it is under the temp folder.
        }
    }

    private Dictionary<string, string> PythonEnvironment() => new()
    {
        ["PYTHONPATH"] = _workDir + Path.PathSeparator + ScriptDir,
        ["PYTHONDONTWRITEBYTECODE"] = "1",
        ["PYTHONIOENCODING"] = "utf-8",
        // grpcio honours http_proxy otherwise; every peer here is on loopback.
        ["no_grpc_proxy"] = "127.0.0.1,localhost",
        ["GRPC_ENABLE_FORK_SUPPORT"] = "0",
    };

    private static Process Start(string fileName, IEnumerable<string> args, string workDir, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
            UseShellExecute = false, StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        return Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunToEndAsync(
        string fileName, IEnumerable<string> args, string workDir, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Start(fileName, args, workDir, environment);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(fileName)} {string.Join(' ', args)} did not finish within {timeout}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
