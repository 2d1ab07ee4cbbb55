using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace FedTransfer.Rpc.Framing;

/// <summary>
/// The Length-Prefixed-Message of gRPC: 1 byte compressed flag, 4 bytes big-endian length, then the message.
/// Parsing works on <see cref="ReadOnlySequence{T}"/> so frames split across DATA frames and pipe segments
/// are never copied just to be read.
/// </summary>
internal static class FrameCodec
{
    public const int HeaderSize = 5;

    /// <summary>
    /// Up to this size a frame is serialized into one contiguous span asked from the writer (a pipe then hands out
    /// one pooled buffer instead of hundreds of 4 KiB blocks, and the transport sends it in one piece); larger
    /// messages are written segment by segment so no giant buffer is needed.
    /// </summary>
    private const int ContiguousWriteLimit = 8 * 1024 * 1024;

    /// <summary>
    /// Looks for one complete frame at the start of <paramref name="buffer"/>. Returns false when more bytes
    /// are needed. Throws <see cref="RpcException"/> as soon as the header shows the frame is invalid or too
    /// large, without waiting for its payload.
    /// </summary>
    public static bool TryReadFrame(in ReadOnlySequence<byte> buffer, int maxMessageSize, out bool compressed, out ReadOnlySequence<byte> payload) =>
        TryReadFrame(buffer, maxMessageSize, out compressed, out payload, out _);

    /// <summary>As above; <paramref name="frameSize"/> tells how many bytes the whole frame needs (header + payload) once the header is known, else the header size.</summary>
    public static bool TryReadFrame(in ReadOnlySequence<byte> buffer, int maxMessageSize, out bool compressed, out ReadOnlySequence<byte> payload, out int frameSize)
    {
        compressed = false;
        payload = default;
        frameSize = HeaderSize;
        if (buffer.Length < HeaderSize)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        var flag = header[0];
        if (flag > 1)
        {
            throw new RpcException(StatusCode.Internal, $"Invalid gRPC frame: compressed flag is {flag}, expected 0 or 1.");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (length > (uint)maxMessageSize)
        {
            throw new RpcException(StatusCode.ResourceExhausted,
                $"Received message of {length} bytes exceeds the limit of {maxMessageSize} bytes.");
        }

        frameSize = (int)Math.Min((long)HeaderSize + length, int.MaxValue);
        if (buffer.Length < frameSize)
        {
            return false;
        }

        compressed = flag == 1;
        payload = buffer.Slice(HeaderSize, length);
        return true;
    }

    /// <summary>Writes the 5-byte prefix for a message of <paramref name="length"/> bytes.</summary>
    public static void WriteHeader(Span<byte> destination, bool compressed, int length)
    {
        destination[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)length);
    }

    /// <summary>
    /// Serializes one uncompressed frame straight into <paramref name="writer"/> (a response PipeWriter or a
    /// pooled buffer): no intermediate array whatever the message size.
    /// </summary>
    public static void WriteMessage(IBufferWriter<byte> writer, IMessage message, int size)
    {
        if (size <= ContiguousWriteLimit)
        {
            var span = writer.GetSpan(HeaderSize + size);
            WriteHeader(span, compressed: false, size);
            message.WriteTo(span.Slice(HeaderSize, size));
            writer.Advance(HeaderSize + size);
            return;
        }

        var headerSpan = writer.GetSpan(HeaderSize);
        WriteHeader(headerSpan, compressed: false, size);
        writer.Advance(HeaderSize);
        message.WriteTo(writer);
    }

    /// <summary>Writes one frame around bytes that are already encoded (e.g. compressed).</summary>
    public static void WritePayload(IBufferWriter<byte> writer, ReadOnlySpan<byte> payload, bool compressed)
    {
        var header = writer.GetSpan(HeaderSize);
        WriteHeader(header, compressed, payload.Length);
        writer.Advance(HeaderSize);
        writer.Write(payload);
    }
}
