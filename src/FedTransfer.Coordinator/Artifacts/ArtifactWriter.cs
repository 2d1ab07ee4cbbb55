using System.Security.Cryptography;

namespace FedTransfer.Coordinator.Artifacts;

/// <summary>
/// Writes one blob: bytes go to a temporary file while being hashed; <see cref="CommitAsync"/> checks size and digest,
/// optionally flushes to disk, and moves the file to its final name. Disposing without committing deletes the temporary
/// file, so an interrupted upload never leaves a half-written file under a final name.
/// </summary>
public sealed class ArtifactWriter : IAsyncDisposable
{
    private readonly Action<string, string> _publish;
    private readonly bool _durable;
    private readonly string _tempPath;
    private readonly FileStream _file;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly long _maxBytes;
    private bool _done;

    /// <param name="tempPath">Where the bytes go while being written.</param>
    /// <param name="maxBytes">Size limit.</param>
    /// <param name="durable">Flush to the disk before publishing (survives an OS crash, at the disk's sync speed).</param>
    /// <param name="publish">Moves the verified temporary file (first argument) into place for its digest (second argument).</param>
    internal ArtifactWriter(string tempPath, long maxBytes, bool durable, Action<string, string> publish)
    {
        _publish = publish;
        _durable = durable;
        _tempPath = tempPath;
        _maxBytes = maxBytes;
        _file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
    }

    /// <summary>Bytes written so far.</summary>
    public long Length { get; private set; }

    /// <summary>Appends bytes.</summary>
    /// <exception cref="ArtifactIntegrityException">The artifact would exceed its size limit.</exception>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        if (_done) throw new InvalidOperationException("the artifact writer is already committed or disposed");
        if (Length + data.Length > _maxBytes)
            throw new ArtifactIntegrityException($"artifact exceeds the limit of {_maxBytes} bytes");
        _hash.AppendData(data.Span);
        await _file.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        Length += data.Length;
    }

    /// <summary>Appends bytes synchronously (for serializers that write through a <see cref="Stream"/>).</summary>
    /// <exception cref="ArtifactIntegrityException">The artifact would exceed its size limit.</exception>
    public void Write(ReadOnlySpan<byte> data)
    {
        if (_done) throw new InvalidOperationException("the artifact writer is already committed or disposed");
        if (Length + data.Length > _maxBytes)
            throw new ArtifactIntegrityException($"artifact exceeds the limit of {_maxBytes} bytes");
        _hash.AppendData(data);
        _file.Write(data);
        Length += data.Length;
    }

    /// <summary>This writer as a write-only stream; disposing the stream neither commits nor discards.</summary>
    public Stream AsStream() => new ArtifactWriterStream(this);

    /// <summary>Writes all of <paramref name="source"/> from its current position.</summary>
    public async Task CopyFromAsync(Stream source, CancellationToken cancellationToken = default)
    {
        var buffer = new byte[1 << 16];
        int n;
        while ((n = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            await WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Verifies the bytes and publishes them under their final name.</summary>
    /// <param name="expectedDigest">When set, the computed digest must equal it.</param>
    /// <param name="expectedLength">When set, the byte count must equal it.</param>
    /// <param name="cancellationToken">Cancels the final flush.</param>
    /// <exception cref="ArtifactIntegrityException">Size or digest differ from what was declared; nothing is stored.</exception>
    public async Task<ArtifactInfo> CommitAsync(string? expectedDigest = null, long? expectedLength = null, CancellationToken cancellationToken = default)
    {
        if (_done) throw new InvalidOperationException("the artifact writer is already committed or disposed");
        _done = true;
        try
        {
            if (expectedLength is { } length && length != Length)
                throw new ArtifactIntegrityException($"received {Length} bytes but {length} were declared; the transfer was cut short or over-long, send it again");
            var digest = Sha256Digest.ToHex(_hash.GetHashAndReset());
            if (expectedDigest is not null && !string.Equals(expectedDigest, digest, StringComparison.Ordinal))
                throw new ArtifactIntegrityException($"the bytes received hash to {digest} but {expectedDigest} was declared; the data was corrupted in transit, send it again");
            await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (_durable) _file.Flush(flushToDisk: true);
            await _file.DisposeAsync().ConfigureAwait(false);
            _publish(_tempPath, digest);
            return new ArtifactInfo(digest, Length);
        }
        finally
        {
            await DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _done = true;
        await _file.DisposeAsync().ConfigureAwait(false);
        _hash.Dispose();
        if (File.Exists(_tempPath)) File.Delete(_tempPath);
    }
}
