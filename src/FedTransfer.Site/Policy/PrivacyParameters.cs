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
internal sealed record LocalPrivacyApplied(double ClipNorm, double NoiseMultiplier, double NormBeforeClip);
