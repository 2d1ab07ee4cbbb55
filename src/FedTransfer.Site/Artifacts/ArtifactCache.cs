using System.Security.Cryptography;
using FedTransfer.Contracts.V1;
using Grpc.Core;
using FedTransfer.Site.Egress;
using FedTransfer.Site.Worker;
using Microsoft.Extensions.Logging;

namespace FedTransfer.Site.Artifacts;

/// <summary>
/// Content-addressed local copies of the coordinator's artifacts (backbone, global adapters). A download goes to
/// <c>&lt;digest&gt;.partial</c>, resumes from that file's length after an interruption, is hashed as it arrives and is
/// renamed to <c>&lt;digest&gt;</c> only once its SHA-256 matches. A mismatch deletes the bytes and fetches once more
/// from the start; a second mismatch fails with a clear message. A cached file is re-verified once per process.
/// </summary>
internal sealed class ArtifactCache
{
    private readonly string _directory;
    private readonly IArtifactSource _source;
    private readonly ILogger _log;
    private readonly int _maxResumes;
    private readonly TimeSpan _resumeDelay;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly HashSet<string> _verified = new(StringComparer.Ordinal);

    public ArtifactCache(string directory, IArtifactSource source, ILogger logger, int maxResumes = 5, TimeSpan? resumeDelay = null)
    {
        _directory = directory;
        _source = source;
        _log = logger;
        _maxResumes = maxResumes;
        _resumeDelay = resumeDelay ?? TimeSpan.FromSeconds(1);
    }

    /// <summary>Where the verified artifact with <paramref name="digest"/> lives once fetched.</summary>
    public string PathOf(string digest) => Path.Combine(_directory, digest);

    /// <summary>Returns the path of the verified artifact, fetching what is missing.</summary>
    /// <exception cref="ArtifactIntegrityException">The bytes did not match the digest twice, or the stream was malformed.</exception>
    public async Task<string> GetAsync(ArtifactRef artifact, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        // The digest becomes a file name: only a well-formed one may, so no path can be smuggled in.
        if (!EgressRules.IsDigest(artifact.Digest))
            throw new ArtifactIntegrityException($"artifact digest '{artifact.Digest}' is not 64 lowercase hex characters; the task is malformed");
        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            Directory.CreateDirectory(_directory);
            var path = PathOf(artifact.Digest);
            if (File.Exists(path) && await IsIntactAsync(path, artifact.Digest, ct).ConfigureAwait(false))
            {
                SiteLog.ArtifactCached(_log, artifact.Digest, new FileInfo(path).Length);
                return path;
            }
            for (var round = 1; round <= 2; round++)
            {
                var partial = path + ".partial";
                var actual = await DownloadAsync(artifact, partial, ct).ConfigureAwait(false);
                if (actual == artifact.Digest)
                {
                    File.Move(partial, path, overwrite: true);
                    _verified.Add(artifact.Digest);
                    SiteLog.ArtifactFetched(_log, artifact.Digest, new FileInfo(path).Length);
                    return path;
                }
                File.Delete(partial);
                SiteLog.ArtifactDigestMismatch(_log, artifact.Digest, actual, round);
            }
            throw new ArtifactIntegrityException(
                $"artifact {artifact.Digest}: the downloaded bytes hashed to a different SHA-256 twice; the coordinator's copy may be corrupt, ask the central team to check its artifact store");
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task<bool> IsIntactAsync(string path, string digest, CancellationToken ct)
    {
        if (_verified.Contains(digest)) return true;
        await using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
        {
            if (Convert.ToHexStringLower(await SHA256.HashDataAsync(fs, ct).ConfigureAwait(false)) == digest)
            {
                _verified.Add(digest);
                return true;
            }
        }
        SiteLog.ArtifactCorrupt(_log, digest, path);
        File.Delete(path);
        return false;
    }

    /// <summary>Brings <paramref name="partial"/> to the artifact's full length, resuming after transient failures; returns the SHA-256 of its bytes.</summary>
    private async Task<string> DownloadAsync(ArtifactRef artifact, string partial, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var have = await HashExistingAsync(partial, artifact.SizeBytes, hash, ct).ConfigureAwait(false);
        if (have > 0) SiteLog.ArtifactResuming(_log, artifact.Digest, have);
        await using var file = new FileStream(partial, FileMode.OpenOrCreate, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        file.Seek(0, SeekOrigin.End);
        for (var failures = 0; ; )
        {
            try
            {
                var total = await ReceiveAsync(artifact, file, hash, have, ct).ConfigureAwait(false);
                have = file.Length;
                if (total is null || have >= total) break;
                throw new IOException($"the stream ended at byte {have} of {total}");
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.OutOfRange && file.Length > 0 && failures < _maxResumes)
            {
                // The partial file is longer than the artifact: it cannot be a prefix of it, start over.
                failures++;
                file.SetLength(0);
                file.Seek(0, SeekOrigin.Begin);
                hash.GetHashAndReset();
                have = 0;
            }
            catch (Exception e) when (TransientFailure.IsTransient(e) && failures < _maxResumes && !ct.IsCancellationRequested)
            {
                failures++;
                await file.FlushAsync(ct).ConfigureAwait(false);
                have = file.Length;
                SiteLog.ArtifactInterrupted(_log, artifact.Digest, have, failures, e.Message);
                await Task.Delay(_resumeDelay * failures, ct).ConfigureAwait(false);
            }
        }
        file.Flush(flushToDisk: true);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Streams chunks from <paramref name="offset"/> into the file; returns the artifact's total size as the source states it (null for an empty stream).</summary>
    private async Task<long?> ReceiveAsync(ArtifactRef artifact, FileStream file, IncrementalHash hash, long offset, CancellationToken ct)
    {
        long? total = null;
        var at = offset;
        await foreach (var chunk in _source.FetchAsync(artifact.Digest, offset, ct).ConfigureAwait(false))
        {
            if (chunk.Digest.Length > 0 && chunk.Digest != artifact.Digest)
                throw Malformed(artifact, $"a chunk belongs to artifact {chunk.Digest}");
            if (chunk.Offset != at)
                throw Malformed(artifact, $"a chunk starts at byte {chunk.Offset}, expected {at}");
            total ??= chunk.TotalBytes;
            if (chunk.TotalBytes != total || (artifact.SizeBytes > 0 && total != artifact.SizeBytes))
                throw Malformed(artifact, $"the stated size {chunk.TotalBytes} differs from the expected {(artifact.SizeBytes > 0 ? artifact.SizeBytes : total)}");
            if (at + chunk.Data.Length > total)
                throw Malformed(artifact, $"the chunks run past the stated size {total}");
            await file.WriteAsync(chunk.Data.Memory, ct).ConfigureAwait(false);
            hash.AppendData(chunk.Data.Span);
            at += chunk.Data.Length;
        }
        return total ?? (artifact.SizeBytes > 0 && at == artifact.SizeBytes ? at : null);
    }

    private static async Task<long> HashExistingAsync(string partial, long expectedSize, IncrementalHash hash, CancellationToken ct)
    {
        if (!File.Exists(partial)) return 0;
        if (expectedSize > 0 && new FileInfo(partial).Length > expectedSize)
        {
            File.Delete(partial);
            return 0;
        }
        await using var fs = new FileStream(partial, FileMode.Open, FileAccess.Read, FileShare.None, 1 << 16, useAsync: true);
        var buffer = new byte[1 << 16];
        int n;
        while ((n = await fs.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            hash.AppendData(buffer, 0, n);
        return fs.Length;
    }

    private static ArtifactIntegrityException Malformed(ArtifactRef artifact, string what) =>
        new($"artifact {artifact.Digest}: the coordinator's stream is malformed ({what}); the download was stopped");
}
