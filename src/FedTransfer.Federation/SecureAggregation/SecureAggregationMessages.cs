namespace FedTransfer.Federation.SecureAggregation;

/// <summary>Phase 1, site → coordinator: a site's two fresh public keys for this round.</summary>
/// <param name="EncryptionKey">ECDH P-256 key that encrypts the shares sent to this site.</param>
/// <param name="MaskKey">ECDH P-256 key that agrees pairwise mask seeds with this site.</param>
public sealed record AdvertisedKeys(string SiteId, byte[] EncryptionKey, byte[] MaskKey);

/// <summary>A neighbour as the coordinator describes it to a site: its share x coordinate and its advertised keys.</summary>
public sealed record RosterEntry(string SiteId, int X, byte[] EncryptionKey, byte[] MaskKey);

/// <summary>Phase 2, coordinator → site: the site's own x, the share threshold and its neighbours (SecAgg+ graph).</summary>
public sealed record SiteRoster(string SiteId, int X, int Threshold, IReadOnlyList<RosterEntry> Neighbours);

/// <summary>
/// Phase 2, site → coordinator → site: the shares of <paramref name="From"/>'s two secrets for <paramref name="To"/>,
/// AES-256-GCM encrypted under a key only the two sites can agree on, so the coordinator only routes them.
/// </summary>
/// <param name="Ciphertext">12-byte nonce || ciphertext || 16-byte tag.</param>
public sealed record EncryptedShare(string From, string To, byte[] Ciphertext);

/// <summary>Which of its secrets a share belongs to.</summary>
public enum ShareKind
{
    /// <summary>The self-mask seed b: revealed only for a site that uploaded (its self-mask is removed from the sum).</summary>
    SelfMaskSeed = 1,

    /// <summary>The mask private key: revealed only for a site that dropped (its pairwise masks are removed).</summary>
    MaskKey = 2,
}

/// <summary>Phase 4, coordinator → surviving site: who uploaded and who dropped after sharing.</summary>
public sealed record UnmaskRequest(IReadOnlyList<string> Survivors, IReadOnlyList<string> Dropped);

/// <summary>One share a site reveals at unmasking.</summary>
/// <param name="Value">The share's Y, <see cref="ShamirSharing.ShareBytes"/> bytes.</param>
public sealed record RevealedShare(string Owner, ShareKind Kind, int X, byte[] Value);

/// <summary>Phase 4, site → coordinator: the shares the site reveals, one kind per owner.</summary>
public sealed record UnmaskResponse(string SiteId, IReadOnlyList<RevealedShare> Shares);

/// <summary>The outcome of a secure aggregation round: the decoded sum of the survivors' inputs, or why there is none.</summary>
public sealed record SecureAggregationResult(double[]? Sum, IReadOnlyList<string> Survivors, string? FailureReason)
{
    /// <summary>Whether the sum was recovered.</summary>
    public bool Succeeded => Sum is not null;
}

/// <summary>A party broke the protocol (wrong phase, unknown site, malformed message); the message says what, in one line.</summary>
public class SecureAggregationException(string message) : Exception(message);

/// <summary>A site refused a coordinator's request that would let it unmask an individual input (recorded by the site).</summary>
public sealed class SecureAggregationRefusedException(string message) : SecureAggregationException(message);
