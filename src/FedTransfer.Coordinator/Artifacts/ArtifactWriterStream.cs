namespace FedTransfer.Coordinator.Artifacts;

/// <summary>
/// A write-only <see cref="Stream"/> over an <see cref="ArtifactWriter"/>, so that a serializer can write an artifact
/// straight into the store (hashed on the way) instead of building it in memory first. Disposing it does not commit.
/// </summary>
internal sealed class ArtifactWriterStream(ArtifactWriter writer) : Stream
{
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => writer.Length;

    public override long Position
    {
        get => writer.Length;
        set => throw new NotSupportedException("an artifact is written front to back");
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer) => writer.Write(buffer);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        writer.WriteAsync(buffer, cancellationToken);

    public override void Flush()
    {
        // The writer flushes when it commits.
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("an artifact writer is write-only");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("an artifact is written front to back");

    public override void SetLength(long value) => throw new NotSupportedException("an artifact is written front to back");
}
