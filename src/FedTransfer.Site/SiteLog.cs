using FedTransfer.Site.Egress;
using Microsoft.Extensions.Logging;

namespace FedTransfer.Site;

/// <summary>Every log message of the site, source-generated. Cancellation is logged as information, never as an error.</summary>
internal static partial class SiteLog
{
    [LoggerMessage(1, LogLevel.Information, "Site '{Name}' starting: coordinator {Url}, device {Device}, {Train} train and {Validation} validation examples")]
    public static partial void Starting(ILogger logger, string name, string url, string device, long train, long validation);

    [LoggerMessage(2, LogLevel.Critical, "The site cannot start: {Reason}")]
    public static partial void CannotStart(ILogger logger, string reason);

    [LoggerMessage(3, LogLevel.Information, "Joined as site {SiteId} (coordinator {Version})")]
    public static partial void Joined(ILogger logger, string siteId, string version);

    [LoggerMessage(4, LogLevel.Warning, "Coordinator {Url} not usable: {Reason}; retrying in {DelayMs:F0} ms (attempt {Attempt})")]
    public static partial void CoordinatorUnavailable(ILogger logger, string url, string reason, double delayMs, int attempt);

    [LoggerMessage(5, LogLevel.Information, "The coordinator no longer knows this session ({Reason}); joining again")]
    public static partial void SessionLost(ILogger logger, string reason);

    [LoggerMessage(6, LogLevel.Debug, "Nothing to do ({Reason}); polling again in {RetryAfterMs} ms")]
    public static partial void Waiting(ILogger logger, string reason, int retryAfterMs);

    [LoggerMessage(7, LogLevel.Information, "The coordinator asked this site to stop: {Reason}")]
    public static partial void StopInstruction(ILogger logger, string reason);

    [LoggerMessage(8, LogLevel.Information, "Site stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(10, LogLevel.Information, "{Kind} task {TaskId} (round {Round}) started")]
    public static partial void TaskStarted(ILogger logger, string kind, string taskId, int round);

    [LoggerMessage(11, LogLevel.Information, "{Kind} task {TaskId} abandoned: the site is shutting down; nothing was sent")]
    public static partial void TaskAbandoned(ILogger logger, string kind, string taskId);

    [LoggerMessage(12, LogLevel.Error, "{Kind} task {TaskId} (round {Round}) cannot be done on this site ({Code}): {Reason}; no result is sent, only the decline code")]
    public static partial void TaskFailed(ILogger logger, string kind, string taskId, int round, Contracts.V1.DeclineReason code, string reason);

    [LoggerMessage(16, LogLevel.Error, "{Kind} task {TaskId}: its decline ({Code}) could not be sent either: {Reason}; polling again after a pause")]
    public static partial void DeclineNotSent(ILogger logger, string kind, string taskId, Contracts.V1.DeclineReason code, string reason);

    [LoggerMessage(17, LogLevel.Error, "The site sends nothing for now: {Reason}; trying again in {DelayMs:F0} ms (attempt {Attempt})")]
    public static partial void SendingPaused(ILogger logger, string reason, double delayMs, int attempt);

    [LoggerMessage(13, LogLevel.Information, "Receipt for task {TaskId} (round {Round}): {Outcome} {Reason}")]
    public static partial void ReceiptKept(ILogger logger, string taskId, int round, string outcome, string reason);

    [LoggerMessage(14, LogLevel.Warning, "{Kind} task {TaskId} (round {Round}) declined by the site policy ({Code}): {Reason}; nothing was trained, only the decline code is sent")]
    public static partial void TaskDeclined(ILogger logger, string kind, string taskId, int round, Contracts.V1.DeclineReason code, string reason);

    [LoggerMessage(15, LogLevel.Information, "Delta of task {TaskId} clipped and noised (local privacy): norm {NormBeforeClip:G6} clipped to {ClipNorm:G6}, noise std {NoiseMultiplier:G6} x clip")]
    public static partial void DeltaPrivatised(ILogger logger, string taskId, double normBeforeClip, double clipNorm, double noiseMultiplier);

    [LoggerMessage(140, LogLevel.Information, "Task {TaskId} spends privacy round {Rounds} of its federation: epsilon now {Epsilon:0.###} of the budget {MaxEpsilon} (sampling rate {SamplingRate})")]
    public static partial void PrivacySpent(ILogger logger, string taskId, int rounds, double epsilon, double maxEpsilon, double samplingRate);

    [LoggerMessage(20, LogLevel.Warning, "Egress refused, nothing sent ({Kind}): {Reason}")]
    public static partial void EgressRefused(ILogger logger, EgressKind kind, string reason);

    [LoggerMessage(24, LogLevel.Warning, "Task {TaskId} describes an unusable trainable set ({Reason}); no result can leave for it")]
    public static partial void TaskUnusable(ILogger logger, string taskId, string reason);

    [LoggerMessage(21, LogLevel.Debug, "Egress {Kind}: {Summary}")]
    public static partial void EgressAdmitted(ILogger logger, EgressKind kind, string summary);

    [LoggerMessage(22, LogLevel.Information, "Result of task {TaskId} sent: {Bytes} payload bytes, outcome {Outcome} (duplicate: {Duplicate})")]
    public static partial void ResultSent(ILogger logger, string taskId, long bytes, string outcome, bool duplicate);

    [LoggerMessage(23, LogLevel.Warning, "Sending the result of task {TaskId} failed (attempt {Attempt}): {Reason}; retrying in {DelayMs:F0} ms")]
    public static partial void PushRetry(ILogger logger, string taskId, int attempt, double delayMs, string reason);

    [LoggerMessage(30, LogLevel.Debug, "Artifact {Digest} is cached ({Bytes} bytes)")]
    public static partial void ArtifactCached(ILogger logger, string digest, long bytes);

    [LoggerMessage(31, LogLevel.Information, "Artifact {Digest} fetched and verified ({Bytes} bytes)")]
    public static partial void ArtifactFetched(ILogger logger, string digest, long bytes);

    [LoggerMessage(32, LogLevel.Information, "Resuming artifact {Digest} from byte {Offset}")]
    public static partial void ArtifactResuming(ILogger logger, string digest, long offset);

    [LoggerMessage(33, LogLevel.Warning, "Fetching artifact {Digest} was interrupted at byte {Offset} (failure {Failures}): {Reason}; resuming")]
    public static partial void ArtifactInterrupted(ILogger logger, string digest, long offset, int failures, string reason);

    [LoggerMessage(34, LogLevel.Warning, "Artifact {Digest} arrived with SHA-256 {Actual} (attempt {Attempt}); the bytes were deleted")]
    public static partial void ArtifactDigestMismatch(ILogger logger, string digest, string actual, int attempt);

    [LoggerMessage(35, LogLevel.Warning, "Cached artifact {Digest} at {Path} no longer matches its digest; fetching it again")]
    public static partial void ArtifactCorrupt(ILogger logger, string digest, string path);

    [LoggerMessage(40, LogLevel.Information, "Trained {Epochs} epoch(s) on {Examples} examples on {Device} in {Seconds:F1} s: train_loss {TrainLoss:F4}, val_accuracy {ValAccuracy:F4}, peak RSS {PeakRssMb:F0} MB")]
    public static partial void Trained(ILogger logger, int epochs, long examples, string device, double seconds, double trainLoss, double valAccuracy, double peakRssMb);

    [LoggerMessage(41, LogLevel.Information, "Evaluated on {Examples} validation examples on {Device}: val_loss {ValLoss:F4}, val_accuracy {ValAccuracy:F4}")]
    public static partial void Evaluated(ILogger logger, long examples, string device, double valLoss, double valAccuracy);
}
