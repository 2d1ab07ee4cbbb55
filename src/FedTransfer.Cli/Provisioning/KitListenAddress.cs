using System.Net;

namespace FedTransfer.Cli.Provisioning;

/// <summary>
/// The address a coordinator kit listens on. Kestrel binds a DNS name to every interface, so a kit binds only an address
/// the operator named: <c>--listen</c> when given, else the first IP address among the coordinator's hosts (or
/// localhost). Listening on all interfaces (<c>0.0.0.0</c>, <c>::</c>) is the operator's explicit choice, never a default.
/// </summary>
internal static class KitListenAddress
{
    /// <summary>The host part of the coordinator's listener URL (IPv6 in brackets).</summary>
    /// <exception cref="ArgumentException">No address to bind, or <paramref name="listen"/> is not one; the message says what to pass.</exception>
    public static string Resolve(string? listen, IReadOnlyList<string> coordinatorHosts)
    {
        if (!string.IsNullOrWhiteSpace(listen))
        {
            var given = listen.Trim();
            if (IsBindable(given)) return ForUrl(given);
            throw new ArgumentException($"--listen '{given}' is not an IP address; pass the address the coordinator should bind, e.g. 10.1.2.3, or 0.0.0.0 for all interfaces");
        }
        var named = coordinatorHosts.FirstOrDefault(IsBindable);
        if (named is not null) return ForUrl(named);
        throw new ArgumentException($"--coordinator-host names no IP address ('{string.Join(",", coordinatorHosts)}'), and Kestrel would bind a DNS name " +
                                    "to every interface; pass --listen with the address to bind, e.g. --listen 10.1.2.3, or --listen 0.0.0.0 for all interfaces");
    }

    private static bool IsBindable(string host) =>
        IPAddress.TryParse(host, out _) || string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase);

    /// <summary>An IPv6 literal in brackets, as a URL needs it; anything else as it is.</summary>
    public static string ForUrl(string host) =>
        IPAddress.TryParse(host, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{host}]" : host;
}
