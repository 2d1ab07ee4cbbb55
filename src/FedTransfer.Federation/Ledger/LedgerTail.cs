namespace FedTransfer.Federation.Ledger;

/// <summary>
/// Reads what a writer needs from an existing ledger without reading all of it: where the last complete line starts and
/// ends, and whether unfinished bytes follow it (a write cut short by a crash).
/// </summary>
internal static class LedgerTail
{
    private const int Block = 64 * 1024;

    /// <summary>Offset just past the last '\n' (0 when there is none).</summary>
    public static long EndOfLastCompleteLine(FileStream file)
    {
        var buffer = new byte[Block];
        for (var end = file.Length; end > 0;)
        {
            var start = Math.Max(0, end - Block);
            var count = (int)(end - start);
            ReadAt(file, start, buffer.AsSpan(0, count));
            var i = buffer.AsSpan(0, count).LastIndexOf((byte)'\n');
            if (i >= 0) return start + i + 1;
            end = start;
        }
        return 0;
    }

    /// <summary>The bytes of the line ending at <paramref name="end"/> (which is just past its '\n'), without the '\n'.</summary>
    public static byte[] LineEndingAt(FileStream file, long end)
    {
        var lineEnd = end - 1;
        var start = EndOfLastCompleteLine(file, lineEnd);
        var line = new byte[lineEnd - start];
        ReadAt(file, start, line);
        return line;
    }

    /// <summary>The first line, without its '\n'; null when the file holds no complete line.</summary>
    public static byte[]? FirstLine(FileStream file)
    {
        var buffer = new byte[Block];
        using var collected = new MemoryStream();
        for (long at = 0; at < file.Length; at += Block)
        {
            var count = (int)Math.Min(Block, file.Length - at);
            ReadAt(file, at, buffer.AsSpan(0, count));
            var i = buffer.AsSpan(0, count).IndexOf((byte)'\n');
            collected.Write(buffer, 0, i >= 0 ? i : count);
            if (i >= 0) return collected.ToArray();
        }
        return null;
    }

    /// <summary>Copies <c>[from, Length)</c>.</summary>
    public static byte[] ReadFrom(FileStream file, long from)
    {
        var bytes = new byte[file.Length - from];
        ReadAt(file, from, bytes);
        return bytes;
    }

    private static long EndOfLastCompleteLine(FileStream file, long before)
    {
        var buffer = new byte[Block];
        for (var end = before; end > 0;)
        {
            var start = Math.Max(0, end - Block);
            var count = (int)(end - start);
            ReadAt(file, start, buffer.AsSpan(0, count));
            var i = buffer.AsSpan(0, count).LastIndexOf((byte)'\n');
            if (i >= 0) return start + i + 1;
            end = start;
        }
        return 0;
    }

    private static void ReadAt(FileStream file, long offset, Span<byte> into)
    {
        file.Position = offset;
        file.ReadExactly(into);
    }
}
