using FedTransfer.Contracts;
using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Security;
using FedTransfer.Federation.Ledger;
using FedTransfer.Federation.Receipts;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FedTransfer.Coordinator.Receipts;

/// <summary>
/// Signs every receipt the coordinator answers (<see cref="ReceiptSigning.CanonicalBytes"/> of its fields, with the
/// ledger head the site declared when it names one, the coordinator's key) and makes sure the coordinator's receipt log holds it before it leaves. A duplicate (a retried
/// upload) is signed again over the same fields; the log keeps one line per task.
/// </summary>
internal sealed class ReceiptNotary : IDisposable
{
    private readonly object _gate = new();
    private readonly ReceiptSigningKey _key;
    private readonly ReceiptLog _log;

    public ReceiptNotary(IOptions<CoordinatorOptions> options, ILogger<ReceiptNotary> log)
    {
        _key = ReceiptSigningKey.Load(options.Value, log);
        _log = new ReceiptLog(options.Value.DataDirectory, log);
        if (!_key.IsDevelopmentKey) SecurityLog.ReceiptKey(log, _key.Subject, _log.Path);
    }

    /// <summary>The PEM of the certificate receipts are signed under.</summary>
    public string CertificatePem => _key.CertificatePem;

    /// <summary>The receipt log's path.</summary>
    public string LogPath => _log.Path;

    /// <summary>Sets the receipt's signature and certificate, logs it durably (once per task) and returns it.</summary>
    public Receipt Issue(Receipt receipt)
    {
        var outcome = receipt.Outcome.ToSignedText();
        LedgerHead? head = receipt.LedgerHeadSha256.Length > 0 ? new LedgerHead(receipt.LedgerHeadSeq, receipt.LedgerHeadSha256) : null;
        var canonical = ReceiptSigning.CanonicalBytes(receipt.TaskId, receipt.SiteId, receipt.RunId, receipt.Round, outcome,
            receipt.PayloadSha256, receipt.PayloadBytes, receipt.ReceivedUnixMs, head);
        byte[] signature;
        // One key object shared by concurrent uploads: serialise its use.
        lock (_gate) signature = ReceiptSigning.Sign(_key.Key, canonical);
        receipt.Signature = ByteString.CopyFrom(signature);
        receipt.CoordinatorCertificatePem = _key.CertificatePem;
        _log.Append(new ReceiptLogRecord(receipt.TaskId, receipt.SiteId, receipt.RunId, receipt.Round, outcome, receipt.Reason,
            receipt.PayloadSha256, receipt.PayloadBytes, receipt.ReceivedUnixMs, signature, _key.CertificatePem)
        {
            LedgerHeadSeq = head?.Sequence, LedgerHeadSha256 = head?.Sha256,
        });
        return receipt;
    }

    public void Dispose()
    {
        _log.Dispose();
        _key.Dispose();
    }
}
