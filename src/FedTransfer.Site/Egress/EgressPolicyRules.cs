using FedTransfer.Contracts.V1;
using FedTransfer.Site.Policy;

namespace FedTransfer.Site.Egress;

/// <summary>
/// The site policy's share of the egress checks, as pure functions (null = may go, else one line why not). The task
/// runner declines tasks outside the policy before training; these rules make sure that, whatever the runner did, no
/// delta for such a task and no un-noised delta under a privacy policy leaves, and that a decline carries its code only.
/// </summary>
internal static class EgressPolicyRules
{
    /// <summary>A decline answers its task with the fixed code alone: no payload, no metrics, no example count.</summary>
    public static string? CheckDecline(ResultHeader h, ReadOnlyMemory<byte> payload)
    {
        if (!Enum.IsDefined(h.Declined)) return $"decline reason {(int)h.Declined} is not one of the defined codes";
        if (payload.Length != 0 || h.PayloadEncoding is not (PayloadEncoding.None or PayloadEncoding.Unspecified) || h.PayloadTotalBytes != 0 || h.PayloadSha256.Length != 0)
            return "a decline carries no payload";
        if (h.Metrics.Count != 0) return "a decline carries no metrics";
        if (h.UpdateEncoding != UpdateEncoding.Float32) return "a decline carries no update encoding";
        return h.ExampleCount != 0 ? "a decline carries no example count" : null;
    }

    /// <summary>
    /// Checks a (non-decline) result against the site policy: its task's federation must be one the site joins, a train
    /// result needs at least the policy's minimum of examples, and under local privacy it must have been clipped and
    /// noised with exactly the policy's parameters.
    /// </summary>
    public static string? CheckPolicy(ResultHeader h, TaskGrant grant, SitePolicy policy, LocalPrivacyApplied? privacy)
    {
        if (h.Declined != DeclineReason.Unspecified) return null;
        var federation = policy.Judge(grant.BackboneDigest, grant.AdapterSpec, isTrain: false, trainExamples: 0);
        if (federation != DeclineReason.Unspecified)
            return $"task '{grant.TaskId}' is outside the site policy ({policy.Explain(federation, grant.BackboneDigest, grant.AdapterSpec, 0)}); only a decline may answer it";
        if (!grant.IsTrain) return null;
        if (h.ExampleCount < policy.MinTrainExamples)
            return $"the result is based on {h.ExampleCount} examples, fewer than the site policy's minimum of {policy.MinTrainExamples}";
        return policy.Privacy switch
        {
            null when privacy is not null => "the delta was clipped and noised but the site policy has no local privacy settings",
            null => null,
            { } p when privacy is null => $"the site policy requires clipping to {p.ClipNorm} and noise multiplier {p.NoiseMultiplier}, but the delta was not privatised",
            { } p when privacy.ClipNorm != p.ClipNorm || privacy.NoiseMultiplier != p.NoiseMultiplier =>
                $"the delta was privatised with clip {privacy.ClipNorm} and noise multiplier {privacy.NoiseMultiplier}, not the policy's {p.ClipNorm} and {p.NoiseMultiplier}",
            _ when policy.Budget is { } b && privacy.Spend is null => $"the site policy has a privacy budget (epsilon {b.MaxEpsilon}) but this round's spending was not accounted",
            _ when policy.Budget is { } b && privacy.Spend!.Epsilon > b.MaxEpsilon =>
                $"this round takes the federation's epsilon to {privacy.Spend.Epsilon}, past the site policy's budget of {b.MaxEpsilon}",
            _ => null,
        };
    }
}
