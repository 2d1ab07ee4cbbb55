using System.Buffers;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Updates;

/// <summary>Receives one tensor's entry and bytes; the bytes are only valid during the call. Return false to stop.</summary>
internal delegate bool TensorVisitor(SafeTensorsEntry entry, ReadOnlySpan<byte> data);

/// <summary>
/// Walks the data section of a safetensors stream tensor by tensor through one pooled buffer, so validating or
/// averaging an update holds at most its largest tensor in memory, whatever the update's size.
/// </summary>
internal static class TensorStreamReader
{
    /// <summary>
    /// Visits every tensor of <paramref name="header"/> in file order. <paramref name="stream"/> must be positioned at
    /// the start of the data section (where <see cref="SafeTensors.ReadHeader(Stream, string?)"/> leaves it).
    /// </summary>
    /// <returns>False when the visitor stopped early.</returns>
    /// <exception cref="SafeTensorsFormatException">The stream ends before a tensor's last byte.</exception>
    public static bool ForEach(Stream stream, SafeTensorsHeader header, TensorVisitor visitor, string? fileName = null)
    {
        var largest = header.Tensors.Count == 0 ? 0 : header.Tensors.Max(e => e.ByteLength);
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(1, largest));
        try
        {
            long position = 0;
            foreach (var entry in header.Tensors.OrderBy(e => e.Begin))
            {
                Skip(stream, entry.Begin - position, entry, fileName);
                var span = buffer.AsSpan(0, (int)entry.ByteLength);
                var got = stream.ReadAtLeast(span, span.Length, throwOnEndOfStream: false);
                if (got < span.Length)
                    throw new SafeTensorsFormatException($"data is truncated: got {got} of {span.Length} bytes", fileName, entry.Name);
                position = entry.End;
                if (!visitor(entry, span)) return false;
            }
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void Skip(Stream stream, long count, SafeTensorsEntry entry, string? fileName)
    {
        if (count <= 0) return;
        if (stream.CanSeek)
        {
            stream.Seek(count, SeekOrigin.Current);
            return;
        }
        Span<byte> scratch = stackalloc byte[4096];
        while (count > 0)
        {
            var n = stream.Read(scratch[..(int)Math.Min(count, scratch.Length)]);
            if (n == 0) throw new SafeTensorsFormatException("data is truncated before the tensor starts", fileName, entry.Name);
            count -= n;
        }
    }
}
