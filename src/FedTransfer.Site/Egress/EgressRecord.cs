using DeclineReason = FedTransfer.Contracts.V1.DeclineReason;
using FedTransfer.Site.Policy;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Site.Egress;

/// <summary>
/// What one outbound message is, as the gateway judges it: kind, task, and for a result the exact payload's size,
/// SHA-256 and tensors. Today it is logged; it is the shape of the site ledger's record (issue 5).
/// </summary>
/// <param name="Kind">Which call.</param>
/// <param name="Summary">One line for the log.</param>
/// <param name="TaskId">The task a result answers, if any.</param>
/// <param name="Round">The task's round, 0 when none.</param>
/// <param name="PayloadBytes">Bytes of the payload about to leave (0 for none).</param>
/// <param name="PayloadSha256">SHA-256 of exactly those bytes, empty for none.</param>
/// <param name="Tensors">The payload's tensors (name, dtype, shape), when it could be read.</param>
/// <param name="Privacy">For a train result under a policy with local privacy: the clipping and noise applied (null when off).</param>
/// <param name="Declined">For a result that declines its task under the site policy: the fixed reason sent.</param>
internal sealed record EgressRecord(EgressKind Kind, string Summary, string? TaskId = null, int Round = 0, long PayloadBytes = 0,
    string PayloadSha256 = "", IReadOnlyList<TensorSpec>? Tensors = null, LocalPrivacyApplied? Privacy = null,
    DeclineReason Declined = DeclineReason.Unspecified);
