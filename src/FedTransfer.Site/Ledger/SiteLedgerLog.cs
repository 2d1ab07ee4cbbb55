using Microsoft.Extensions.Logging;

namespace FedTransfer.Site.Ledger;

/// <summary>Log messages of the site ledger (event ids 200..).</summary>
internal static partial class SiteLedgerLog
{
    [LoggerMessage(200, LogLevel.Information, "Ledger {Path}: next record {Sequence}, signed by {Signer}")]
    public static partial void Opened(ILogger logger, string path, long sequence, string signer);

    [LoggerMessage(201, LogLevel.Warning, "Ledger {Path}: an unfinished last line ({Bytes} bytes, a crash mid-write) was moved aside into {File} and recorded")]
    public static partial void TornTail(ILogger logger, string path, long bytes, string file);

    [LoggerMessage(202, LogLevel.Error, "Ledger {Path}: the receipt for task {TaskId} could not be recorded ({Reason}); it is kept in the receipts file")]
    public static partial void ReceiptNotRecorded(ILogger logger, string path, string taskId, string reason);

    [LoggerMessage(203, LogLevel.Error, "Ledger {Path}: task {TaskId} could not be recorded ({Reason}); its result will be refused")]
    public static partial void TaskNotRecorded(ILogger logger, string path, string taskId, string reason);

    [LoggerMessage(204, LogLevel.Critical, "{Reason}")]
    public static partial void Damaged(ILogger logger, string reason);
}
