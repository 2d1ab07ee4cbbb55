namespace FedTransfer.Models.Data;

/// <summary>A data file (IDX, CSV) is malformed. The message names the file, the line when there is one, and the problem.</summary>
public sealed class DataFormatException : FormatException
{
    /// <summary>Creates the exception; the message is composed from the parts.</summary>
    /// <param name="problem">What is wrong.</param>
    /// <param name="source">The file (or stream description) being read, when known.</param>
    /// <param name="lineNumber">1-based line number for text formats.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public DataFormatException(string problem, string? source = null, int? lineNumber = null, Exception? innerException = null)
        : base(Compose(problem, source, lineNumber), innerException)
    {
        Problem = problem;
        FileName = source;
        LineNumber = lineNumber;
    }

    /// <summary>What is wrong, without location.</summary>
    public string Problem { get; }

    /// <summary>The file being read, or null.</summary>
    public string? FileName { get; }

    /// <summary>1-based line number, for text formats.</summary>
    public int? LineNumber { get; }

    private static string Compose(string problem, string? source, int? line)
    {
        var where = (source, line) switch
        {
            (null, null) => "",
            (null, { } l) => $"line {l}: ",
            ({ } s, null) => $"{s}: ",
            ({ } s, { } l) => $"{s}, line {l}: ",
        };
        return where + problem;
    }
}
