using Microsoft.Extensions.Logging;

namespace FedTransfer.Coordinator;

/// <summary>The coordinator's log messages (source-generated).</summary>
internal static partial class CoordinatorLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Site {SiteId} ({DisplayName}) joined: {TrainExamples} train / {ValidationExamples} validation examples on {Device}")]
    public static partial void SiteJoined(ILogger logger, string siteId, string displayName, long trainExamples, long validationExamples, string device);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Run {RunId} round {Round} ({Kind}) started with {Sites} site(s)")]
    public static partial void RoundStarted(ILogger logger, string runId, int round, string kind, int sites);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Run {RunId} round {Round} ({Kind}) completed: {Accepted} accepted, {Rejected} rejected, {DurationMs:0} ms")]
    public static partial void RoundCompleted(ILogger logger, string runId, int round, string kind, int accepted, int rejected, double durationMs);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Run {RunId} failed: {Reason}")]
    public static partial void RunFailed(ILogger logger, string runId, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Run {RunId} finished after {Rounds} round(s); final adapter {Digest}")]
    public static partial void RunFinished(ILogger logger, string runId, int rounds, string digest);

    [LoggerMessage(EventId = 140, Level = LogLevel.Information, Message = "Run {RunId} stopped before its last round: {Reason}")]
    public static partial void RunStoppedEarly(ILogger logger, string runId, string reason);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Run {RunId}: {Outcome} result of site {SiteId} for round {Round} task {TaskId} ({Bytes} bytes, {Examples} examples) {Reason}")]
    public static partial void ResultRecorded(ILogger logger, string runId, string outcome, string siteId, int round, string taskId, long bytes, long examples, string reason);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Resuming run {RunId} after round {CompletedRounds}")]
    public static partial void RunResumed(ILogger logger, string runId, int completedRounds);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Run {RunId} round {Round}: rebuilding the aggregate from stored updates after an error")]
    public static partial void AccumulatorRebuilt(ILogger logger, Exception error, string runId, int round);

    [LoggerMessage(EventId = 9, Level = LogLevel.Error, Message = "Run {RunId} stopped by an unexpected error")]
    public static partial void RunCrashed(ILogger logger, Exception error, string runId);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Run {RunId}: waiting for sites for round {Round}: {Shortfall}")]
    public static partial void WaitingForSites(ILogger logger, string runId, int round, string shortfall);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Run {RunId} cancelled: its open round was given up and its tasks withdrawn")]
    public static partial void RunCancelled(ILogger logger, string runId);
}
