using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FedTransfer.Federation.Identity;
using Microsoft.Extensions.Logging;

namespace FedTransfer.Coordinator.Security;

/// <summary>
/// The revocation list file (<c>Coordinator:Listener:RevocationListPath</c>) as the coordinator honours it: read at start
/// (a file that is there but unreadable or not signed by the federation CA stops the start), then re-read when it
/// changes, checked at most once a second, so `fedtransfer revoke` takes effect without a restart. No file: nothing is
/// revoked. A file that turns bad later is logged and the previous list stays in force.
/// </summary>
internal sealed class RevocationListFile
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(1);
    private readonly string? _path;
    private readonly X509Certificate2 _authority;
    private readonly TimeProvider _clock;
    private readonly ILogger _log;
    private readonly object _gate = new();
    private RevocationList _current = RevocationList.Empty;
    private DateTime _stamp = DateTime.MinValue;
    private DateTimeOffset _checkedAt;

    /// <exception cref="InvalidOperationException">The file exists but is not a CRL signed by <paramref name="authority"/>.</exception>
    public RevocationListFile(string? path, X509Certificate2 authority, TimeProvider clock, ILogger log)
    {
        _path = string.IsNullOrWhiteSpace(path) ? null : Path.GetFullPath(path);
        _authority = authority;
        _clock = clock;
        _log = log;
        if (_path is null || !File.Exists(_path)) return;
        _stamp = File.GetLastWriteTimeUtc(_path);
        try
        {
            _current = RevocationList.Parse(File.ReadAllBytes(_path), authority);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"Coordinator:Listener:RevocationListPath '{_path}': {e.Message}; write it with `fedtransfer revoke` or remove it", e);
        }
        SecurityLog.RevocationListLoaded(log, _path, _current.Count, _current.Number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _checkedAt = clock.GetUtcNow();
    }

    /// <summary>The list in force now.</summary>
    public RevocationList Current
    {
        get
        {
            if (_path is null) return _current;
            lock (_gate)
            {
                var now = _clock.GetUtcNow();
                if (now - _checkedAt >= CheckEvery)
                {
                    _checkedAt = now;
                    Refresh(_path);
                }
                return _current;
            }
        }
    }

    private void Refresh(string path)
    {
        var stamp = File.Exists(path) ? File.GetLastWriteTimeUtc(path) : DateTime.MinValue;
        if (stamp == _stamp) return;
        _stamp = stamp;
        if (stamp == DateTime.MinValue)
        {
            _current = RevocationList.Empty;
            return;
        }
        try
        {
            _current = RevocationList.Parse(File.ReadAllBytes(path), _authority);
            SecurityLog.RevocationListLoaded(_log, path, _current.Count, _current.Number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            SecurityLog.RevocationListUnreadable(_log, path, e.Message);
        }
    }
}
