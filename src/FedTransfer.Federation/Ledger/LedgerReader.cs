namespace FedTransfer.Federation.Ledger;

/// <summary>
/// One raw line of a ledger file: its 1-based line number, bytes without '\n', whether a '\n' ended it, and for a
/// ledger of several segments the segment file's name.
/// </summary>
public readonly record struct LedgerRawLine(long LineNumber, ReadOnlyMemory<byte> Bytes, bool Terminated, string? File = null);

/// <summary>Streams a ledger file line by line, in bounded memory, without interpreting the lines.</summary>
public static class LedgerReader
{
    /// <summary>The lines of <paramref name="path"/>; a final line without '\n' is returned with Terminated = false.</summary>
    /// <remarks>The returned memory is valid until the next line is read.</remarks>
    public static IEnumerable<LedgerRawLine> Lines(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        var buffer = new byte[1 << 20];
        int start = 0, end = 0;
        long lineNumber = 0;
        while (true)
        {
            var newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                yield return new LedgerRawLine(++lineNumber, buffer.AsMemory(start, newline), true);
                start += newline + 1;
                continue;
            }
            // Keep the partial line, make room, read more.
            if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }
            if (end == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
            var read = file.Read(buffer, end, buffer.Length - end);
            if (read == 0)
            {
                if (end > 0) yield return new LedgerRawLine(++lineNumber, buffer.AsMemory(0, end), false);
                yield break;
            }
            end += read;
        }
    }
}
