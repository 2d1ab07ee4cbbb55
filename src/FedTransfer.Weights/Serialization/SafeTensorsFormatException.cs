using System.Text;

namespace FedTransfer.Weights.Serialization;

/// <summary>
/// A safetensors file (or byte buffer) is not valid: the message names the file when known, the offending tensor when
/// there is one, and the problem, on one line.
/// </summary>
public class SafeTensorsFormatException : FormatException
{
    /// <summary>Creates the exception from its parts; the message is composed from them.</summary>
    /// <param name="problem">What is wrong, without the file or tensor name.</param>
    /// <param name="fileName">The file being read, when the bytes came from a file.</param>
    /// <param name="tensorName">The tensor whose entry or data is wrong, when the problem concerns one tensor.</param>
    /// <param name="innerException">The underlying error (JSON parser, I/O), if any.</param>
    public SafeTensorsFormatException(string problem, string? fileName = null, string? tensorName = null, Exception? innerException = null)
        : base(Compose(problem, fileName, tensorName), innerException)
    {
        Problem = problem;
        FileName = fileName;
        TensorName = tensorName;
    }

    /// <summary>What is wrong, without the file or tensor name.</summary>
    public string Problem { get; }

    /// <summary>The file being read, or null when reading a buffer or stream of unknown origin.</summary>
    public string? FileName { get; }

    /// <summary>The offending tensor, or null when the problem is not about one tensor (for example the length prefix).</summary>
    public string? TensorName { get; }

    private static string Compose(string problem, string? fileName, string? tensorName)
    {
        var sb = new StringBuilder("safetensors");
        if (fileName is not null) sb.Append(" file '").Append(fileName).Append('\'');
        if (tensorName is not null) sb.Append(", tensor '").Append(tensorName).Append('\'');
        return sb.Append(": ").Append(problem).ToString();
    }
}
