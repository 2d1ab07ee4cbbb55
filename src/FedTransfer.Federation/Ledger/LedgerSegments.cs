using System.Globalization;

namespace FedTransfer.Federation.Ledger;

/// <summary>
/// A ledger rotated into segments: the active file (<c>ledger.jsonl</c>) and beside it the closed segments, each named
/// after the sequence number of its first record (<c>ledger.000000012345.jsonl</c>). The chain runs on across them:
/// every segment after the first opens with a <see cref="LedgerKinds.Segment"/> record chained to the last line of the
/// one before. A ledger path may name the active file (its closed segments are found beside it), a folder holding
/// them, or a single file that was never rotated.
/// </summary>
public static class LedgerSegments
{
    private const int SequenceDigits = 12;

    /// <summary>The closed segment's file name for the segment of <paramref name="activeFile"/> whose first record is <paramref name="firstSequence"/>.</summary>
    public static string ClosedName(string activeFile, long firstSequence) =>
        $"{Path.GetFileNameWithoutExtension(activeFile)}.{firstSequence.ToString("D" + SequenceDigits, CultureInfo.InvariantCulture)}{Path.GetExtension(activeFile)}";

    /// <summary>The closed segments beside <paramref name="activeFile"/>, oldest first.</summary>
    public static IReadOnlyList<string> Closed(string activeFile)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(activeFile))!;
        if (!Directory.Exists(folder)) return [];
        var stem = Path.GetFileNameWithoutExtension(activeFile) + ".";
        var extension = Path.GetExtension(activeFile);
        return Directory.EnumerateFiles(folder, stem + "*" + extension)
            .Select(f => (File: f, Middle: Path.GetFileName(f)[stem.Length..^extension.Length]))
            .Where(f => f.Middle.Length == SequenceDigits && f.Middle.All(char.IsAsciiDigit))
            .OrderBy(f => f.Middle, StringComparer.Ordinal)
            .Select(f => f.File)
            .ToList();
    }

    /// <summary>
    /// The files of the ledger at <paramref name="path"/>, in chain order: a folder's closed segments then its active
    /// <c>ledger.jsonl</c>; for a file, the closed segments beside it then the file.
    /// </summary>
    /// <exception cref="FileNotFoundException">Nothing at the path is a ledger.</exception>
    public static IReadOnlyList<string> Files(string path)
    {
        var active = Directory.Exists(path) ? Path.Combine(path, "ledger.jsonl") : path;
        var files = Closed(active).ToList();
        if (File.Exists(active)) files.Add(Path.GetFullPath(active));
        if (files.Count == 0)
            throw new FileNotFoundException(Directory.Exists(path)
                ? $"folder '{path}' holds no ledger (ledger.jsonl or ledger.<first record>.jsonl segments)"
                : $"ledger file '{path}' does not exist", path);
        return files;
    }

    /// <summary>Every line of the ledger at <paramref name="path"/>, file after file, each naming its file.</summary>
    public static IEnumerable<LedgerRawLine> Lines(string path)
    {
        var files = Files(path);
        foreach (var file in files)
        {
            var name = files.Count == 1 ? null : Path.GetFileName(file);
            foreach (var line in LedgerReader.Lines(file)) yield return line with { File = name };
        }
    }
}
