using System.Diagnostics;
using System.Text;

namespace FedTransfer.Rpc.Tests.Support;

/// <summary>
/// Runs Debian's python3 with grpcio as the reference gRPC peer. Message classes are generated from
/// Protos/interop_test.proto with protoc into a temp directory once per peer; processes are killed on dispose.
/// </summary>
public sealed class PythonPeer : IDisposable
{
    private readonly string _workDir;
    private readonly List<Process> _processes = [];

    private PythonPeer(string workDir) => _workDir = workDir;

    public static string Interpreter => Environment.GetEnvironmentVariable("FEDTRANSFER_PYTHON") is { Length: > 0 } python ? python : "/usr/bin/python3";

    private static string ScriptDir => Path.Combine(AppContext.BaseDirectory, "Interop", "python");

    /// <summary>Generates the Python message module; fails with a clear message when protoc or python3 is missing.</summary>
    public static async Task<PythonPeer> CreateAsync()
    {
        var workDir = Directory.CreateTempSubdirectory("fedtransfer-interop-").FullName;
        var protoDir = Path.Combine(AppContext.BaseDirectory, "Protos");
        var (code, _, stderr) = await RunToEndAsync("protoc", ["-I", protoDir, "--python_out", workDir, "interop_test.proto"], workDir, TimeSpan.FromSeconds(30));
        if (code != 0)
        {
            Directory.Delete(workDir, recursive: true);
            throw new InvalidOperationException($"protoc failed ({code}): {stderr}. Install protobuf-compiler (./build.sh setup).");
        }

        return new PythonPeer(workDir);
    }

    /// <summary>Runs a script to completion and returns its stdout; throws with stderr when it fails or times out.</summary>
    public async Task<string> RunScriptAsync(string script, IEnumerable<string> args, TimeSpan timeout)
    {
        var (code, stdout, stderr) = await RunToEndAsync(Interpreter, [Path.Combine(ScriptDir, script), .. args], _workDir, timeout, PythonEnv());
        if (code != 0)
        {
            throw new InvalidOperationException($"{script} exited with {code}: {stderr}");
        }

        return stdout;
    }

    /// <summary>Starts a long-running script and waits for its "PORT n" line.</summary>
    public async Task<int> StartServerAsync(string script, TimeSpan timeout)
    {
        var process = Start(Interpreter, [Path.Combine(ScriptDir, script)], _workDir, PythonEnv());
        _processes.Add(process);
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (stderr) { stderr.AppendLine(e.Data); } };
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
            {
                if (line.StartsWith("PORT ", StringComparison.Ordinal))
                {
                    return int.Parse(line.AsSpan(5));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        lock (stderr)
        {
            throw new InvalidOperationException($"{script} did not report its port within {timeout}: {stderr}");
        }
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
            }

            process.Dispose();
        }

        try
        {
            Directory.Delete(_workDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Dictionary<string, string> PythonEnv() => new()
    {
        ["PYTHONPATH"] = _workDir + Path.PathSeparator + ScriptDir,
        ["PYTHONDONTWRITEBYTECODE"] = "1",
        ["PYTHONIOENCODING"] = "utf-8",
        // No proxies for loopback: grpcio honours http_proxy otherwise.
        ["no_grpc_proxy"] = "127.0.0.1,localhost",
        ["GRPC_ENABLE_FORK_SUPPORT"] = "0",
    };

    private static Process Start(string fileName, IEnumerable<string> args, string workDir, IReadOnlyDictionary<string, string>? env = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in env ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunToEndAsync(
        string fileName, IEnumerable<string> args, string workDir, TimeSpan timeout, IReadOnlyDictionary<string, string>? env = null)
    {
        using var process = Start(fileName, args, workDir, env);
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
            throw new TimeoutException($"{Path.GetFileName(fileName)} {string.Join(' ', args)} did not finish within {timeout}.");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
