using System.Net;
using System.Net.Sockets;

using FedTransfer.Cli.Tests.TestSupport;

namespace FedTransfer.Cli.Tests.Commands;

/// <summary>
/// <c>fedtransfer coordinator</c> as an operator runs it, in its own process: a start that cannot work ends with one
/// line on standard error and exit code 1 or 2, and nothing else on either stream (no stack trace from the host).
/// </summary>
public sealed class CoordinatorCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fedtransfer-coordcmd-" + Guid.NewGuid().ToString("N")[..12]);

    public CoordinatorCommandTests() => Directory.CreateDirectory(_dir);

    [Fact]
    public async Task Coordinator_PortInUse_OneLineAndNoStackTrace()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (code, stdout, stderr) = await RunAsync($"--Coordinator:Listener:Url=http://127.0.0.1:{port}");

        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Equal($"fedtransfer coordinator: Coordinator:Listener:Url 'http://127.0.0.1:{port}': port {port} on 127.0.0.1 is already in use; stop what listens there (another coordinator?) or choose another port",
            stderr.TrimEnd('\n'));
    }

    [Fact]
    public async Task Coordinator_CorruptDatabase_OneLineAndTheFileIsKept()
    {
        var database = Path.Combine(_dir, "coordinator.db");
        var garbage = new byte[8192];
        new Random(3).NextBytes(garbage);
        await File.WriteAllBytesAsync(database, garbage);

        var (code, stdout, stderr) = await RunAsync("--Coordinator:Listener:Url=http://127.0.0.1:0");

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"fedtransfer coordinator: coordinator database '{database}' is damaged or not a SQLite database", line);
        Assert.Equal(garbage, await File.ReadAllBytesAsync(database));
    }

    private Task<(int Code, string Stdout, string Stderr)> RunAsync(string listener) =>
        CliProcess.RunAsync("coordinator", listener, $"--Coordinator:DataDirectory={_dir}", "--Coordinator:AllowInsecureSiteIdentity=true");

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
