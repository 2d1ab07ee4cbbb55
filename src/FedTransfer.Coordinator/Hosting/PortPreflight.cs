using System.Net;
using System.Net.Sockets;

namespace FedTransfer.Coordinator;

/// <summary>
/// Checks, before the host starts, that the listener's address can be bound. When Kestrel finds the port taken, the
/// generic host logs "Hosting failed to start" with a full stack trace before the exception reaches the command's
/// one-line message; trying the bind first gives the operator that one line alone. A race with another process binding
/// in between is still caught by Kestrel, only less politely.
/// </summary>
internal static class PortPreflight
{
    /// <exception cref="ListenerUnavailableException">The address is in use, not this machine's, or not ours to bind.</exception>
    public static void EnsureBindable(string url)
    {
        var (address, port) = KestrelListener.ParseUrl(url);
        if (port == 0) return;
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(1);
        }
        catch (SocketException e)
        {
            var what = e.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => $"port {port} on {address} is already in use; stop what listens there (another coordinator?) or choose another port",
                SocketError.AddressNotAvailable => $"{address} is not an address of this machine; use one of its addresses, or 127.0.0.1",
                SocketError.AccessDenied => $"this user may not listen on port {port}; use a port above 1023",
                _ => $"cannot listen on {address}:{port}: {e.Message}",
            };
            throw new ListenerUnavailableException($"Coordinator:Listener:Url '{url}': {what}", e);
        }
    }
}

/// <summary>The coordinator cannot listen where its settings say; the message is the one line to show.</summary>
public sealed class ListenerUnavailableException(string message, Exception inner) : IOException(message, inner);
