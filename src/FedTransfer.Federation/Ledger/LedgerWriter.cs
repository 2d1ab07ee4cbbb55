using System.Security.Cryptography;
using System.Text.Json;

namespace FedTransfer.Federation.Ledger;

/// <summary>
/// Appends signed, hash-chained records to a ledger file. Each append is on disk (written and fsync'ed) when
/// <see cref="Append"/> returns, so a caller that sends only afterwards never sends anything unrecorded.
/// </summary>
/// <remarks>
/// Reopening continues the chain. An unfinished last line (a crash mid-write) is moved aside into
/// <c>&lt;ledger&gt;.torn-&lt;time&gt;</c> and a <see cref="LedgerKinds.TornTail"/> record naming that file, its size and
/// SHA-256 is appended: the site keeps working, nothing is deleted, and the event is itself in the signed chain. Such a
/// line never preceded a send (the send waits for the fsync), so no egress goes unrecorded. Anything else wrong with the
/// tail stops the writer with a message saying what to do, at open and before every append: a last line that is not a
/// record of this key with a valid signature chained to the line before it, a file changed, cut or replaced since the
/// writer's last append, a ledger started with another key, or a ledger that was in use (its lock file exists) and is
/// now gone or empty. That is damage or tampering, which only a person should judge: the file is left as it is and no
/// new chain is started in its place.
/// </remarks>
public sealed partial class LedgerWriter : IDisposable
{
    private FileStream _file;
    private FileStream? _lock;
    private readonly LedgerSigningKey _key;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private long _next;
    private string _previous;
    private bool _faulted;
    private string? _damage;
    private long _length;
    private bool _syncEachRecord = true;

    private LedgerWriter(string path, FileStream file, LedgerSigningKey key, TimeProvider time, long next, string previous)
    {
        Path = path;
        _file = file;
        _key = key;
        _time = time;
        _next = next;
        _previous = previous;
    }

    /// <summary>The ledger file.</summary>
    public string Path { get; }

    /// <summary>The torn tail found and moved aside when the ledger was opened, if any.</summary>
    public LedgerTorn? RecoveredTornTail { get; private init; }

    /// <summary>Sequence number the next record will get.</summary>
    public long NextSequence
    {
        get { lock (_gate) return _next; }
    }

    /// <summary>Opens (or creates, with its genesis record) the ledger at <paramref name="path"/>.</summary>
    /// <param name="path">The ledger file.</param>
    /// <param name="key">The site's signing key; an existing ledger must have been started with the same key.</param>
    /// <param name="time">Clock of the records' times.</param>
    /// <param name="syncEachRecord">False only to generate ledgers for tests and benchmarks: records then reach the OS
    /// but are not fsync'ed one by one. A site always syncs.</param>
    /// <param name="maxSegmentBytes">Rotate into a new segment once the active file reaches this size (0: never); see <see cref="LedgerSegments"/>.</param>
    /// <exception cref="LedgerCorruptException">The ledger cannot be continued safely; the message says why and what to do.</exception>
    public static LedgerWriter Open(string path, LedgerSigningKey key, TimeProvider? time = null, bool syncEachRecord = true, long maxSegmentBytes = 0)
    {
        time ??= TimeProvider.System;
        path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        // A lock file held exclusively keeps a second writer out (Unix file sharing is advisory and shared locks do not
        // exclude each other) while the ledger itself stays readable: an auditor may copy it while the site runs. It is
        // never removed, so it also marks a ledger that was in use: one found missing or empty beside it is not restarted.
        var wasInUse = File.Exists(path + ".lock");
        var lockFile = AcquireLock(path);
        FileStream? file = null;
        try
        {
            file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.None);
            var closed = LedgerSegments.Closed(path);
            if (wasInUse && file.Length == 0 && closed.Count == 0) throw Damaged(path, "it is missing or empty, but it was in use before (its .lock file exists)");
            // The complete lines are judged before the torn tail is moved aside: a ledger that cannot be continued is
            // left exactly as it was found, for the auditor.
            var complete = LedgerTail.EndOfLastCompleteLine(file);
            var continued = complete > 0 ? Continue(path, file, key, complete) : default((long Next, string Previous, long First)?);
            var torn = MoveTornTailAside(path, file, time, complete);
            LedgerWriter writer;
            if (file.Length == 0 && closed.Count > 0)
            {
                // A rotation cut short between closing a segment and opening the next: the chain goes on from the closed one.
                var (next, previous, _) = ContinueClosed(closed[^1], key);
                writer = new LedgerWriter(path, file, key, time, next, previous) { RecoveredTornTail = torn, _syncEachRecord = syncEachRecord };
                writer.OpenSegment(System.IO.Path.GetFileName(closed[^1]));
            }
            else if (file.Length == 0)
            {
                writer = new LedgerWriter(path, file, key, time, 0, LedgerFormat.GenesisPrevious) { RecoveredTornTail = torn, _syncEachRecord = syncEachRecord };
                writer.Append(new LedgerRecord { Kind = LedgerKinds.Genesis, Genesis = new LedgerGenesis(key.Site, key.CertificatePem, key.PublicKeyPem, LedgerVerifier.EcdsaP256) });
            }
            else
            {
                var (next, previous, first) = continued!.Value;
                writer = new LedgerWriter(path, file, key, time, next, previous) { RecoveredTornTail = torn, _syncEachRecord = syncEachRecord, _segmentFirst = first };
            }
            writer._maxSegmentBytes = maxSegmentBytes;
            writer._lock = lockFile;
            writer._length = file.Length;
            if (torn is not null) writer.Append(new LedgerRecord { Kind = LedgerKinds.TornTail, Torn = torn });
            return writer;
        }
        catch
        {
            file?.Dispose();
            lockFile.Dispose();
            throw;
        }
    }

    private static FileStream AcquireLock(string path)
    {
        try
        {
            return new FileStream(path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new IOException($"ledger {path} is already open for writing by another process (lock {path}.lock held); run one site per ledger", e);
        }
    }

    /// <summary>
    /// Signs and appends a record; <see cref="LedgerRecord.Sequence"/>, time, <c>prev</c> and signature are filled in here.
    /// Returns the record as written. Thread-safe.
    /// </summary>
    /// <exception cref="IOException">The record could not be made durable; the caller must not send.</exception>
    public LedgerRecord Append(LedgerRecord draft) => Append(draft, out _);

    /// <summary>As <see cref="Append(LedgerRecord)"/>, also giving the ledger head this record makes (what a sender declares).</summary>
    public LedgerRecord Append(LedgerRecord draft, out LedgerHead head)
    {
        lock (_gate)
        {
            if (_damage is not null) throw new LedgerCorruptException(_damage);
            if (_faulted) throw new IOException($"ledger {Path} is unusable after an earlier write failure; restart the site");
            if (_length > 0) CheckTail();
            var record = draft with { Sequence = _next, TimeUnixMs = _time.GetUtcNow().ToUnixTimeMilliseconds(), Previous = _previous, Signature = null };
            var unsigned = LedgerFormat.Serialize(record);
            var line = LedgerLine.WithSignature(unsigned, _key.Sign(unsigned));
            var length = _file.Length;
            try
            {
                _file.Position = length;
                // One write of line + '\n': the file is unbuffered, so this is one system call, then the fsync.
                var framed = new byte[line.Length + 1];
                line.CopyTo(framed, 0);
                framed[^1] = (byte)'\n';
                _file.Write(framed);
                _file.Flush(flushToDisk: _syncEachRecord);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Rollback(length);
                throw new IOException($"ledger {Path}: record {_next} could not be written ({e.Message}); nothing was sent", e);
            }
            _next++;
            _previous = LedgerFormat.Hash(line);
            _length = length + line.Length + 1;
            head = new LedgerHead(_next - 1, _previous);
            if (_maxSegmentBytes > 0 && _length >= _maxSegmentBytes && record.Kind != LedgerKinds.Segment) Rotate();
            return record with { Signature = Convert.ToBase64String(line.AsSpan(line.Length - 90, 88)) };
        }
    }

    // The file at the path must still be the one this writer last appended to: same length, and its last line the one
    // it signed. Read through the path, not the open handle, so a file replaced by another is seen too.
    private void CheckTail()
    {
        string? problem;
        try
        {
            using var onDisk = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            problem = onDisk.Length != _length
                ? $"it is {onDisk.Length} bytes where the site's last record left it at {_length}: it was changed, cut or replaced while the site ran"
                : LedgerFormat.Hash(LedgerTail.LineEndingAt(onDisk, _length)) != _previous
                    ? $"its last record (record {_next - 1}) is not the one the site wrote: it was changed while the site ran"
                    : null;
        }
        catch (FileNotFoundException)
        {
            problem = "it was deleted or moved while the site ran";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Unreadable is not proof of damage, but what cannot be checked is not appended to either.
            throw new IOException($"ledger {Path}: its last record could not be re-read before appending ({e.Message}); nothing was sent", e);
        }
        if (problem is null) return;
        var damaged = Damaged(Path, problem);
        _damage = damaged.Message;
        throw damaged;
    }

    private static LedgerCorruptException Damaged(string path, string problem) => new(
        $"ledger {path}: {problem}. The site sends nothing until a person decides: keep the file as it is for the auditor " +
        $"(fedtransfer audit verify {path}), then move it aside (with its .lock file) and restart the site to begin a new ledger");

    // A half-written record must not stay in front of the next one.
    private void Rollback(long length)
    {
        try
        {
            _file.SetLength(length);
            _file.Flush(flushToDisk: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _faulted = true;
        }
    }

    private static LedgerTorn? MoveTornTailAside(string path, FileStream file, TimeProvider time, long end)
    {
        if (end == file.Length) return null;
        var torn = LedgerTail.ReadFrom(file, end);
        var aside = $"{path}.torn-{time.GetUtcNow():yyyyMMdd'T'HHmmssfff}";
        using (var copy = new FileStream(aside, FileMode.CreateNew, FileAccess.Write))
        {
            copy.Write(torn);
            copy.Flush(flushToDisk: true);
        }
        file.SetLength(end);
        file.Flush(flushToDisk: true);
        return new LedgerTorn(System.IO.Path.GetFileName(aside), torn.Length, Convert.ToHexStringLower(SHA256.HashData(torn)));
    }

    // Judges the ledger's lines up to `length` (the end of its last complete line) and says where to go on from.
    private static (long Next, string Previous, long First) Continue(string path, FileStream file, LedgerSigningKey key, long length)
    {
        var firstLine = LedgerTail.FirstLine(file)!;
        var lastLine = LedgerTail.LineEndingAt(file, length);
        LedgerRecord first, last;
        try
        {
            first = LedgerFormat.Parse(firstLine);
            last = LedgerFormat.Parse(lastLine);
        }
        catch (JsonException e)
        {
            throw Damaged(path, $"its first or last line is not a ledger record ({e.Message}); it was damaged or altered");
        }
        var (site, publicKey) = first switch
        {
            { Kind: LedgerKinds.Genesis, Genesis: { } g } => (g.Site, g.PublicKeyPem),
            { Kind: LedgerKinds.Segment, Segment: { } g } => (g.Site, g.PublicKeyPem),
            _ => throw Damaged(path, "its first line is not a genesis or segment record"),
        };
        if (publicKey != key.PublicKeyPem)
            throw new LedgerCorruptException($"ledger {path} was started by another signing key (site '{site}'); " +
                "a renewed certificate starts a new ledger: move the old one aside (keep it for the auditor) and restart the site");
        if (!key.Verifies(lastLine))
            throw Damaged(path, $"the signature of its last record (record {last.Sequence}) does not verify with the site's key: it was forged or altered");
        // The last record must chain to the line before it, so a forged or spliced tail is not continued.
        var previous = last.Sequence == first.Sequence ? null : LedgerTail.LineEndingAt(file, length - lastLine.Length - 1);
        var chained = previous is null
            ? firstLine.AsSpan().SequenceEqual(lastLine) && (first.Sequence > 0 || last.Previous == LedgerFormat.GenesisPrevious)
            : last.Previous == LedgerFormat.Hash(previous) && Follows(previous, last.Sequence);
        if (!chained)
            throw Damaged(path, $"its last record (record {last.Sequence}) does not chain to the line before it: records were removed, inserted or altered");
        return (last.Sequence + 1, LedgerFormat.Hash(lastLine), first.Sequence);
    }

    private static bool Follows(byte[] previousLine, long sequence)
    {
        try
        {
            return LedgerFormat.Parse(previousLine).Sequence == sequence - 1;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _file.Dispose();
            _lock?.Dispose();
        }
    }
}

/// <summary>
/// The ledger on disk cannot be continued without a person's decision. An <see cref="IOException"/>, so every path that
/// refuses to send when a record cannot be written refuses on this too.
/// </summary>
public sealed class LedgerCorruptException(string message) : IOException(message);
