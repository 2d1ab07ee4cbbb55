using System.Security.Cryptography;

namespace FedTransfer.Coordinator.Artifacts;

/// <summary>
/// Site result payloads, one file per task (<c>{root}/{task id}.safetensors</c>), kept only while their round needs them:
/// the run driver deletes a round's payloads once its aggregate is written. Files are not forced to the disk by default:
/// a killed coordinator finds them in the page cache, and after an OS crash the digests recorded in the database
/// expose any payload that did not survive (see <see cref="VerifyAsync"/>).
/// </summary>
public sealed class UpdateFiles
{
    private readonly string _temp;
    private readonly bool _durable;

    /// <summary>Opens (creating if needed) the payload directory; stale temporary files are removed.</summary>
    public UpdateFiles(string root, bool durable)
    {
        Root = Path.GetFullPath(root);
        _durable = durable;
        _temp = Path.Combine(Root, "tmp");
        Directory.CreateDirectory(_temp);
        foreach (var stale in Directory.EnumerateFiles(_temp, "*.partial")) File.Delete(stale);
    }

    /// <summary>The payload directory.</summary>
    public string Root { get; }

    /// <summary>Where the payload of <paramref name="taskId"/> lives.</summary>
    /// <exception cref="ArgumentException">Not a task id this coordinator issues (keeps path tricks out).</exception>
    public string PathOf(string taskId)
    {
        if (taskId.Length is 0 or > 64 || !taskId.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            throw new ArgumentException($"'{taskId}' is not a task id");
        return Path.Combine(Root, taskId + ".safetensors");
    }

    /// <summary>Starts receiving the payload of <paramref name="taskId"/>.</summary>
    public ArtifactWriter BeginWrite(string taskId, long maxBytes)
    {
        var final = PathOf(taskId);
        return new ArtifactWriter(Path.Combine(_temp, Guid.NewGuid().ToString("N") + ".partial"), maxBytes, _durable,
            (temp, _) => File.Move(temp, final, overwrite: true));
    }

    /// <summary>Opens the payload of <paramref name="taskId"/> for reading.</summary>
    /// <exception cref="FileNotFoundException">It is gone.</exception>
    public FileStream OpenRead(string taskId) =>
        new(PathOf(taskId), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, FileOptions.SequentialScan);

    /// <summary>True when the payload is present and hashes to <paramref name="digest"/>.</summary>
    public async Task<bool> VerifyAsync(string taskId, string digest, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var stream = OpenRead(taskId);
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false)) == digest;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Removes the payload of <paramref name="taskId"/> (no error when absent).</summary>
    public void Delete(string taskId) => File.Delete(PathOf(taskId));
}
