using System.Net;
using System.Net.Sockets;

namespace FedTransfer.Coordinator.Tests.Hosting;

public sealed class PortPreflightTests
{
    [Fact]
    public void EnsureBindable_PortInUse_OneLineNamingTheSettingAndThePort()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var e = Assert.Throws<ListenerUnavailableException>(() => PortPreflight.EnsureBindable($"http://127.0.0.1:{port}"));

        Assert.Equal($"Coordinator:Listener:Url 'http://127.0.0.1:{port}': port {port} on 127.0.0.1 is already in use; stop what listens there (another coordinator?) or choose another port", e.Message);
    }

    [Fact]
    public void EnsureBindable_FreePortAndPortZero_PassAndLeaveThePortFree()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        PortPreflight.EnsureBindable($"http://127.0.0.1:{port}");
        PortPreflight.EnsureBindable("http://127.0.0.1:0");

        using var after = new TcpListener(IPAddress.Loopback, port);
        after.Start();
    }
}
