namespace FedTransfer.Site.Policy;

/// <summary>
/// Local differential privacy settings of a site policy: each delta's global L2 norm is clipped to
/// <see cref="ClipNorm"/>, then Gaussian noise with standard deviation <see cref="NoiseMultiplier"/> × <see cref="ClipNorm"/>
/// is added to every element (the Gaussian mechanism with L2 sensitivity C).
/// </summary>
/// <param name="ClipNorm">C, &gt; 0.</param>
/// <param name="NoiseMultiplier">z, &gt;= 0 (0 clips without noise).</param>
internal sealed record PrivacyParameters(double ClipNorm, double NoiseMultiplier);

/// <summary>
/// What clipping and noise did to one delta, for the site's ledger (and the site's log): the parameters in force and the
/// norm the delta had before clipping.
/// </summary>
/// <param name="ClipNorm">C.</param>
/// <param name="NoiseMultiplier">z; the noise's standard deviation was z × C.</param>
/// <param name="NormBeforeClip">The delta's global L2 norm before clipping. Data-dependent and not protected by the noise,
/// so it is recorded at the site only and never sent to the coordinator.</param>
/// <param name="Spend">Under a privacy budget: what this round spent, for the ledger; null without a budget.</param>
internal sealed record LocalPrivacyApplied(double ClipNorm, double NoiseMultiplier, double NormBeforeClip, PrivacySpend? Spend = null);

/// <summary>A site's privacy budget for each federation it joins: at most <paramref name="MaxEpsilon"/> at <paramref name="Delta"/>.</summary>
/// <param name="MaxEpsilon">ε the site may spend per federation, &gt; 0.</param>
/// <param name="Delta">δ in (0, 1).</param>
/// <param name="AmplifyBySampling">Account each round at the sampling rate the coordinator's task states (amplification by
/// sampling) instead of 1. Off by default: the coordinator knows whom it sampled, so amplification holds only against
/// those who see the released models, not against the coordinator the local noise is there to protect from.</param>
internal sealed record PrivacyBudget(double MaxEpsilon, double Delta, bool AmplifyBySampling);

/// <summary>One round's spending as the site's ledger records it.</summary>
/// <param name="SamplingRate">q the round was accounted at.</param>
/// <param name="Delta">δ of the ε.</param>
/// <param name="Rounds">Rounds of this federation spent so far, this one included.</param>
/// <param name="Epsilon">ε spent in this federation after this round.</param>
internal sealed record PrivacySpend(double SamplingRate, double Delta, int Rounds, double Epsilon);
