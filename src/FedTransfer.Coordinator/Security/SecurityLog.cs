using Microsoft.Extensions.Logging;

namespace FedTransfer.Coordinator.Security;

/// <summary>Log lines about callers refused for their identity (source-generated). Event ids 100-119.</summary>
internal static partial class SecurityLog
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Refused {Method} from {Caller} at {Peer} ({Status}): {Reason}")]
    public static partial void CallRefused(ILogger logger, string method, string caller, string peer, string status, string reason);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Client certificates required: callers must present a certificate issued by '{Authority}' (OU=site for the Federation service, OU=admin for the Admin service)")]
    public static partial void CertificatesRequired(ILogger logger, string authority);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Receipts are signed with a development key generated into {Path} (no coordinator certificate is configured): they verify, but no CA vouches for them")]
    public static partial void DevelopmentReceiptKey(ILogger logger, string path);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "Receipts are signed with the key of the coordinator certificate '{Subject}' and logged to {LogPath}")]
    public static partial void ReceiptKey(ILogger logger, string subject, string logPath);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Receipt log {Path}: line {Line} is not a receipt record and is kept as it is (a write cut short by a crash?): {Reason}")]
    public static partial void BadReceiptLogLine(ILogger logger, string path, int line, string reason);

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning, Message = "{Warning}")]
    public static partial void CertificateExpiresSoon(ILogger logger, string warning);

    [LoggerMessage(EventId = 107, Level = LogLevel.Information, Message = "Revocation list {Path} (number {Number}) in force: {Count} certificate(s) revoked")]
    public static partial void RevocationListLoaded(ILogger logger, string path, int count, string number);

    [LoggerMessage(EventId = 108, Level = LogLevel.Warning, Message = "Revocation list {Path} changed but cannot be used, the previous list stays in force: {Reason}")]
    public static partial void RevocationListUnreadable(ILogger logger, string path, string reason);
}
