using System.Security.Cryptography;

namespace FedTransfer.Coordinator.Artifacts;

/// <summary>
/// Content-addressed blobs on disk: each artifact lives at <c>{root}/sha256/{first two hex}/{digest}</c>, written
/// through a temporary file in <c>{root}/tmp</c> and renamed into place only after its size and SHA-256 were checked,
/// so a file under a digest name is always complete. Reads can start at any byte offset (resumable downloads).
/// </summary>
public sealed class ArtifactStore
{
    private readonly string _objects;
    private readonly string _temp;

    /// <summary>Opens (creating if needed) a store under <paramref name="root"/>; stale temporary files of a previous process are removed.</summary>
    public ArtifactStore(string root, long maxArtifactBytes = long.MaxValue)
    {
        Root = Path.GetFullPath(root);
        MaxArtifactBytes = maxArtifactBytes;
        _objects = Path.Combine(Root, "sha256");
        _temp = Path.Combine(Root, "tmp");
        Directory.CreateDirectory(_objects);
        Directory.CreateDirectory(_temp);
        foreach (var stale in Directory.EnumerateFiles(_temp, "*.partial")) File.Delete(stale);
    }

    /// <summary>The store's directory.</summary>
    public string Root { get; }

    /// <summary>Largest artifact accepted, in bytes.</summary>
    public long MaxArtifactBytes { get; }

    /// <summary>Where the artifact with <paramref name="digest"/> is (or would be) stored.</summary>
    /// <exception cref="ArgumentException">Not a valid digest (this also keeps any path trickery out).</exception>
    public string PathOf(string digest)
    {
        Sha256Digest.Require(digest, "artifact digest");
        return Path.Combine(_objects, digest[..2], digest);
    }

    /// <summary>True when the artifact is stored.</summary>
    public bool Exists(string digest) => Sha256Digest.IsValid(digest) && File.Exists(PathOf(digest));

    /// <summary>The stored artifact's size, or null when it is not stored.</summary>
    public long? TryGetSize(string digest)
    {
        if (!Sha256Digest.IsValid(digest)) return null;
        var info = new FileInfo(PathOf(digest));
        return info.Exists ? info.Length : null;
    }

    /// <summary>The stored artifact's digest and size.</summary>
    /// <exception cref="ArtifactNotFoundException">Not stored.</exception>
    public ArtifactInfo Get(string digest) =>
        TryGetSize(digest) is { } size ? new ArtifactInfo(digest, size) : throw new ArtifactNotFoundException(digest);

    /// <summary>Starts writing a new artifact (see <see cref="ArtifactWriter"/>).</summary>
    public ArtifactWriter BeginWrite(long? maxBytes = null) =>
        new(Path.Combine(_temp, Guid.NewGuid().ToString("N") + ".partial"), Math.Min(maxBytes ?? long.MaxValue, MaxArtifactBytes), durable: true, Publish);

    /// <summary>Stores <paramref name="bytes"/>.</summary>
    public async Task<ArtifactInfo> PutAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        await using var writer = BeginWrite();
        await writer.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        return await writer.CommitAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stores what <paramref name="write"/> writes to the stream it is given, hashing on the way: the artifact is never
    /// held whole in memory. Nothing is stored when <paramref name="write"/> throws.
    /// </summary>
    public async Task<ArtifactInfo> PutAsync(Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken = default)
    {
        await using var writer = BeginWrite();
        await write(writer.AsStream(), cancellationToken).ConfigureAwait(false);
        return await writer.CommitAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens the artifact for reading, positioned at <paramref name="offset"/>.</summary>
    /// <exception cref="ArtifactNotFoundException">Not stored.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Offset negative or beyond the end.</exception>
    public FileStream OpenRead(string digest, long offset = 0)
    {
        var path = PathOf(digest);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (FileNotFoundException)
        {
            throw new ArtifactNotFoundException(digest);
        }
        catch (DirectoryNotFoundException)
        {
            throw new ArtifactNotFoundException(digest);
        }
        if (offset < 0 || offset > stream.Length)
        {
            var length = stream.Length;
            stream.Dispose();
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"offset {offset} is outside artifact {digest[..12]}… of {length} bytes");
        }
        stream.Position = offset;
        return stream;
    }

    /// <summary>Re-hashes the stored file: false when its bytes no longer match its digest (disk corruption, tampering).</summary>
    /// <exception cref="ArtifactNotFoundException">Not stored.</exception>
    public async Task<bool> VerifyAsync(string digest, CancellationToken cancellationToken = default)
    {
        await using var stream = OpenRead(digest);
        var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
        return Sha256Digest.ToHex(hash) == digest;
    }

    /// <summary>Reads a whole artifact into memory and checks its digest.</summary>
    /// <exception cref="ArtifactIntegrityException">The stored bytes do not match the digest.</exception>
    public async Task<byte[]> ReadAllVerifiedAsync(string digest, CancellationToken cancellationToken = default)
    {
        await using var stream = OpenRead(digest);
        var bytes = new byte[stream.Length];
        await stream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
        if (Sha256Digest.ToHex(SHA256.HashData(bytes)) != digest)
            throw new ArtifactIntegrityException($"stored artifact {digest} is corrupted (its bytes no longer hash to its name); restore it from a backup or upload it again");
        return bytes;
    }

    /// <summary>
    /// Moves a verified temporary file into place under its digest. An existing file is replaced by the freshly verified
    /// bytes (same content when healthy), which also repairs a corrupted copy when the artifact is uploaded again.
    /// </summary>
    private void Publish(string tempPath, string digest)
    {
        var final = PathOf(digest);
        Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        File.Move(tempPath, final, overwrite: true);
    }
}
