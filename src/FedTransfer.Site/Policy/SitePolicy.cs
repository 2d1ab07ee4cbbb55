using FedTransfer.Contracts.V1;

namespace FedTransfer.Site.Policy;

/// <summary>
/// What this site agrees to take part in, from its policy file (<see cref="SitePolicyFile"/>): which federations (by
/// backbone digest and adapter spec), how few local train examples are too few, and whether deltas are clipped and
/// noised before they leave (local differential privacy). <see cref="Permissive"/> is the behaviour without a policy file.
/// </summary>
/// <param name="Federations">Federations the site joins; null accepts any (no file, or the file omits the key).</param>
/// <param name="MinTrainExamples">Train tasks are declined when the site holds fewer train examples; 0 = no minimum.</param>
/// <param name="Privacy">Clipping and noise applied to every delta; null = off.</param>
/// <param name="Budget">The ε each federation may spend, accounted over the rounds taken; null = no budget (nothing declined for it).</param>
internal sealed record SitePolicy(IReadOnlyList<FederationRule>? Federations, long MinTrainExamples, PrivacyParameters? Privacy,
    PrivacyBudget? Budget = null)
{
    /// <summary>No policy file: any federation, no minimum, no clipping or noise (the site as it was before policies).</summary>
    public static SitePolicy Permissive { get; } = new(null, 0, null);

    /// <summary>
    /// Whether the site takes a task for <paramref name="backboneDigest"/> with <paramref name="adapterSpec"/>:
    /// <see cref="DeclineReason.Unspecified"/> when it does, else the fixed reason it declines.
    /// </summary>
    /// <param name="backboneDigest">The task's backbone SHA-256 (as the coordinator names it).</param>
    /// <param name="adapterSpec">The task's adapter spec text.</param>
    /// <param name="isTrain">Train tasks also need <see cref="MinTrainExamples"/>; evaluate tasks need the federation only.</param>
    /// <param name="trainExamples">Local train examples the site holds.</param>
    public DeclineReason Judge(string backboneDigest, string adapterSpec, bool isTrain, long trainExamples)
    {
        if (Federations is not null)
        {
            var sameBackbone = Federations.Where(f => string.Equals(f.BackboneSha256, backboneDigest, StringComparison.Ordinal)).ToList();
            if (sameBackbone.Count == 0) return DeclineReason.BackboneNotAllowed;
            if (!sameBackbone.Any(f => f.AllowsAdapter(adapterSpec))) return DeclineReason.AdapterNotAllowed;
        }
        return isTrain && trainExamples < MinTrainExamples ? DeclineReason.TooFewExamples : DeclineReason.Unspecified;
    }

    /// <summary>One line for the site's log saying why a task was declined.</summary>
    public string Explain(DeclineReason reason, string backboneDigest, string adapterSpec, long trainExamples) => reason switch
    {
        DeclineReason.BackboneNotAllowed => $"backbone {Short(backboneDigest)} is not in the site policy's federations",
        DeclineReason.AdapterNotAllowed => $"adapter spec '{adapterSpec}' is not allowed for backbone {Short(backboneDigest)} by the site policy",
        DeclineReason.TooFewExamples => $"the site holds {trainExamples} train examples, fewer than the policy's minimum of {MinTrainExamples}",
        DeclineReason.PrivacyBudgetExhausted => $"one more round would spend more than the policy's privacy budget of epsilon {Budget?.MaxEpsilon} at delta {Budget?.Delta} for this federation",
        _ => "not declined",
    };

    private static string Short(string digest) => digest.Length > 12 ? digest[..12] + "…" : digest;
}
