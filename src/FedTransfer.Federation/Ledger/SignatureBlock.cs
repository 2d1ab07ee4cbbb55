using System.Collections.Concurrent;

namespace FedTransfer.Federation.Ledger;

/// <summary>
/// The signature work of up to <see cref="LedgerVerifier.CheckpointInterval"/> consecutive records, done apart from the
/// reading (on other threads when the verifier has them). Every receipt's coordinator signature is checked. Of the
/// site's signatures, the block's last record's is checked: through the hash chain it covers every record of the block
/// and before it (each record signs the SHA-256 of the line before it). Only when it fails, or when every signature is
/// asked for, is each record's own checked, which also names the first bad one.
/// </summary>
internal sealed class SignatureBlock(bool everySignature)
{
    private readonly List<(long Sequence, long Line, string? File, byte[] Bytes)> _records = new(LedgerVerifier.CheckpointInterval);
    private readonly List<(long Sequence, long Line, string? File, SignedReceipt Receipt)> _receipts = [];

    public int Count => _records.Count;

    public void Add(long sequence, long line, string? file, ReadOnlySpan<byte> bytes, SignedReceipt? receipt)
    {
        _records.Add((sequence, line, file, bytes.ToArray()));
        if (receipt is { } r) _receipts.Add((sequence, line, file, r));
    }

    /// <summary>The first bad record of the block, or null. <paramref name="parallelism"/> &gt; 1 spreads the checks over that many threads.</summary>
    public LedgerFailure? Verify(SignatureWorkers workers, int parallelism)
    {
        if (_records.Count == 0) return null;
        // A job is a receipt (index >= 0 into _receipts) or a site signature (~index into _records).
        var jobs = new List<int>(_receipts.Count + _records.Count);
        for (var i = 0; i < _receipts.Count; i++) jobs.Add(i);
        if (everySignature) for (var i = 0; i < _records.Count; i++) jobs.Add(~i);
        else jobs.Add(~(_records.Count - 1));
        var failures = new ConcurrentBag<(LedgerFailure Failure, bool Site)>();
        void Run(int job, SignatureWorker worker)
        {
            if (job >= 0)
            {
                var (sequence, line, file, receipt) = _receipts[job];
                if (worker.Receipt(receipt) is { } problem) failures.Add((new LedgerFailure(sequence, line, problem, file), false));
            }
            else
            {
                var (sequence, line, file, bytes) = _records[~job];
                if (worker.Site(bytes) is { } problem) failures.Add((new LedgerFailure(sequence, line, problem, file), true));
            }
        }
        if (parallelism <= 1 || jobs.Count == 1)
        {
            var worker = workers.Take();
            foreach (var job in jobs) Run(job, worker);
            workers.Return(worker);
        }
        else
        {
            Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = parallelism },
                workers.Take, (job, _, worker) => { Run(job, worker); return worker; }, workers.Return);
        }
        if (!everySignature && failures.Any(f => f.Site))
        {
            // The chain-covering signature failed: the first record whose own signature fails is the one to name.
            var worker = workers.Take();
            foreach (var (sequence, line, file, bytes) in _records)
            {
                if (worker.Site(bytes) is not { } problem) continue;
                failures.Add((new LedgerFailure(sequence, line, problem, file), true));
                break;
            }
            workers.Return(worker);
        }
        return failures.IsEmpty ? null : failures.MinBy(f => f.Failure.Sequence).Failure;
    }
}

/// <summary>A pool of <see cref="SignatureWorker"/>s, one in use per thread at a time, disposed together.</summary>
internal sealed class SignatureWorkers(string sitePublicKeyPem, CertificateTrust? trust) : IDisposable
{
    private readonly ConcurrentBag<SignatureWorker> _idle = [];
    private readonly ConcurrentBag<SignatureWorker> _all = [];

    public SignatureWorker Take()
    {
        if (_idle.TryTake(out var worker)) return worker;
        worker = new SignatureWorker(sitePublicKeyPem, trust);
        _all.Add(worker);
        return worker;
    }

    public void Return(SignatureWorker worker) => _idle.Add(worker);

    /// <summary>Every worker's warnings, each once.</summary>
    public IEnumerable<string> Warnings => _all.SelectMany(w => w.Warnings).Distinct().Order(StringComparer.Ordinal);

    public void Dispose()
    {
        foreach (var worker in _all) worker.Dispose();
    }
}
