using FedTransfer.Federation.Updates;

namespace FedTransfer.Site.Egress;

/// <summary>
/// What the coordinator asked of this site in one task, as the gateway saw it arrive: the only basis on which a result
/// may leave (its round, which tensors, which artifacts may be fetched). Callers cannot widen it.
/// </summary>
/// <param name="TaskId">The task's id.</param>
/// <param name="IsTrain">True for a train task (delta payload), false for evaluate (metrics only).</param>
/// <param name="Round">The task's round; a result must carry the same.</param>
/// <param name="Trainable">For train tasks, the exact tensors the delta must hold.</param>
/// <param name="Digests">Artifacts the task names (backbone, global adapter): the only digests the site may fetch for it.</param>
/// <param name="Encoding">For train tasks, how the delta must be encoded (dtypes on the wire; int8 adds its metadata keys).</param>
internal sealed record TaskGrant(string TaskId, bool IsTrain, int Round, TrainableSet? Trainable, IReadOnlySet<string> Digests,
    DeltaEncoding Encoding = DeltaEncoding.Float32);
