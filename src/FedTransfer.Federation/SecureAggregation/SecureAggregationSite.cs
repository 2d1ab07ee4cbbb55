using System.Security.Cryptography;

namespace FedTransfer.Federation.SecureAggregation;

/// <summary>
/// A site's side of one secure aggregation round (Bonawitz et al., CCS 2017, with the SecAgg+ graph of Bell et al.,
/// CCS 2020), as a pure state machine: advertise two fresh keys, share the self-mask seed b and the mask private key
/// with the neighbours (t-of-h Shamir, encrypted pairwise), upload the input masked by PRG(b) and ±PRG(s_uv) for each
/// neighbour v that shared, then reveal, per neighbour, the b share when it uploaded or the mask-key share when it
/// dropped: never both for the same neighbour, whatever the coordinator asks. A refused request is recorded in
/// <see cref="Refusals"/> (the host writes it to the site's ledger) and throws.
/// </summary>
public sealed class SecureAggregationSite : IDisposable
{
    private enum Step { Created, Advertised, Shared, Uploaded }

    private readonly string _siteId;
    private readonly SecureAggregationParameters _parameters;
    private readonly RoundKeyPair _encryptionKey = RoundKeyPair.Generate();
    private readonly RoundKeyPair _maskKey = RoundKeyPair.Generate();
    private readonly byte[] _selfMaskSeed = RandomNumberGenerator.GetBytes(MaskExpansion.SeedBytes);
    // Shares this site holds, by owner (itself included): the b share and the mask-key share.
    private readonly Dictionary<string, (RevealedShare Seed, RevealedShare Key)> _held = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ShareKind> _revealed = new(StringComparer.Ordinal);
    private readonly List<string> _refusals = [];
    private SiteRoster? _roster;
    private Step _step;

    public SecureAggregationSite(string siteId, SecureAggregationParameters parameters)
    {
        if (parameters.Problem() is { } problem) throw new ArgumentException(problem);
        _siteId = siteId;
        _parameters = parameters;
    }

    /// <summary>Requests this site refused, one line each, in order.</summary>
    public IReadOnlyList<string> Refusals => _refusals;

    /// <summary>The owners whose shares this site revealed, and which kind.</summary>
    public IReadOnlyDictionary<string, ShareKind> Revealed => _revealed;

    /// <summary>Phase 1: this round's two public keys.</summary>
    public AdvertisedKeys Advertise()
    {
        Expect(Step.Created, "advertise keys");
        _step = Step.Advertised;
        return new AdvertisedKeys(_siteId, _encryptionKey.PublicKey, _maskKey.PublicKey);
    }

    /// <summary>Phase 2: the shares of b and of the mask key for each neighbour in <paramref name="roster"/>, encrypted to it.</summary>
    /// <exception cref="SecureAggregationRefusedException">The roster is not this site's, repeats a site or x, or sets a threshold other than the agreed fraction gives.</exception>
    public IReadOnlyList<EncryptedShare> ShareKeys(SiteRoster roster)
    {
        Expect(Step.Advertised, "share keys");
        var holders = roster.Neighbours.Count + 1;
        if (roster.SiteId != _siteId) Refuse($"the roster is addressed to {roster.SiteId}, not to {_siteId}");
        if (roster.Neighbours.Count < 2) Refuse($"the roster names {roster.Neighbours.Count} neighbours; secure aggregation needs at least 2");
        if (roster.Neighbours.Any(n => n.SiteId == _siteId) || roster.Neighbours.Select(n => n.SiteId).Distinct(StringComparer.Ordinal).Count() != roster.Neighbours.Count)
            Refuse("the roster repeats a site or lists this site as its own neighbour");
        if (roster.Neighbours.Select(n => n.X).Append(roster.X).Distinct().Count() != holders || roster.X < 1 || roster.Neighbours.Any(n => n.X < 1))
            Refuse("the roster's share x coordinates are not distinct positive numbers");
        if (roster.Threshold != _parameters.ThresholdFor(holders))
            Refuse($"the roster sets threshold {roster.Threshold} for {holders} holders; the agreed fraction {_parameters.ThresholdFraction} gives {_parameters.ThresholdFor(holders)}");
        if (roster.Neighbours.Any(n => !RoundKeyPair.IsValidPublicKey(n.EncryptionKey) || !RoundKeyPair.IsValidPublicKey(n.MaskKey)))
            Refuse("the roster carries a public key that is not a valid P-256 point");
        _roster = roster;

        var xs = roster.Neighbours.Select(n => n.X).Append(roster.X).ToArray();
        var seedShares = ShamirSharing.Split(_selfMaskSeed, xs, roster.Threshold);
        var privateScalar = _maskKey.ExportPrivateScalar();
        var keyShares = ShamirSharing.Split(privateScalar, xs, roster.Threshold);
        CryptographicOperations.ZeroMemory(privateScalar);
        var sent = new List<EncryptedShare>(roster.Neighbours.Count);
        for (var i = 0; i < roster.Neighbours.Count; i++)
        {
            var neighbour = roster.Neighbours[i];
            var key = _encryptionKey.Agree(neighbour.EncryptionKey, _parameters.ShareLabel(_siteId, neighbour.SiteId));
            byte[] plaintext = [.. ShamirSharing.Encode(seedShares[i].Y), .. ShamirSharing.Encode(keyShares[i].Y)];
            sent.Add(new EncryptedShare(_siteId, neighbour.SiteId, ShareCipher.Encrypt(key, _parameters, _siteId, neighbour.SiteId, plaintext)));
            CryptographicOperations.ZeroMemory(plaintext);
        }
        var own = seedShares.Length - 1;
        _held[_siteId] = (new RevealedShare(_siteId, ShareKind.SelfMaskSeed, roster.X, ShamirSharing.Encode(seedShares[own].Y)),
            new RevealedShare(_siteId, ShareKind.MaskKey, roster.X, ShamirSharing.Encode(keyShares[own].Y)));
        _step = Step.Shared;
        return sent;
    }

    /// <summary>
    /// Phase 3: stores the shares the neighbours sent (<paramref name="inbox"/>, as the coordinator routed them) and
    /// returns <paramref name="input"/> encoded and masked: + PRG(b) + Σ_{v &gt; u} PRG(s_uv) - Σ_{v &lt; u} PRG(s_uv)
    /// over the neighbours v that shared (ordinal order of site ids).
    /// </summary>
    /// <exception cref="SecureAggregationRefusedException">A share is not from a neighbour, not to this site, repeated, or does not authenticate.</exception>
    public uint[] MaskedInput(ReadOnlySpan<float> input, IReadOnlyList<EncryptedShare> inbox)
    {
        Expect(Step.Shared, "upload a masked input");
        if (input.Length != _parameters.VectorLength)
            throw new ArgumentException($"the input has {input.Length} values; the round aggregates vectors of {_parameters.VectorLength}");
        var roster = _roster!;
        var senders = new List<RosterEntry>(inbox.Count);
        foreach (var share in inbox)
        {
            var from = roster.Neighbours.FirstOrDefault(n => n.SiteId == share.From);
            if (from is null || share.To != _siteId) Refuse($"a share from {share.From} to {share.To} is not from a neighbour of {_siteId} to it");
            if (_held.ContainsKey(share.From)) Refuse($"{share.From} sent its shares twice");
            var key = _encryptionKey.Agree(from!.EncryptionKey, _parameters.ShareLabel(_siteId, from.SiteId));
            var plaintext = ShareCipher.Decrypt(key, _parameters, share.From, _siteId, share.Ciphertext);
            if (plaintext.Length != 2 * ShamirSharing.ShareBytes) Refuse($"the share from {share.From} holds {plaintext.Length} bytes, not two share values");
            _held[share.From] = (new RevealedShare(share.From, ShareKind.SelfMaskSeed, roster.X, plaintext[..ShamirSharing.ShareBytes]),
                new RevealedShare(share.From, ShareKind.MaskKey, roster.X, plaintext[ShamirSharing.ShareBytes..]));
            senders.Add(from);
        }
        var masked = new uint[input.Length];
        _parameters.Ring.Encode(input, masked);
        MaskExpansion.Add(_selfMaskSeed, masked);
        foreach (var neighbour in senders)
        {
            var seed = _maskKey.Agree(neighbour.MaskKey, _parameters.MaskLabel(_siteId, neighbour.SiteId));
            if (string.CompareOrdinal(_siteId, neighbour.SiteId) < 0) MaskExpansion.Add(seed, masked);
            else MaskExpansion.Subtract(seed, masked);
        }
        _step = Step.Uploaded;
        return masked;
    }

    /// <summary>
    /// Phase 4: for each owner whose shares this site holds, the b share when the request counts it a survivor, the
    /// mask-key share when it counts it dropped. May be asked again (a retry) as long as no owner changes side.
    /// </summary>
    /// <exception cref="SecureAggregationRefusedException">
    /// A site in both lists, this site called dropped or missing from the survivors, fewer survivors than the threshold,
    /// or an owner for whom the other kind of share was already revealed.
    /// </exception>
    public UnmaskResponse Unmask(UnmaskRequest request)
    {
        Expect(Step.Uploaded, "unmask");
        var survivors = new HashSet<string>(request.Survivors, StringComparer.Ordinal);
        var dropped = new HashSet<string>(request.Dropped, StringComparer.Ordinal);
        if (survivors.FirstOrDefault(dropped.Contains) is { } both)
            Refuse($"the coordinator asked for both shares of {both} (listed as survivor and as dropped); revealing both would unmask its input");
        if (!survivors.Contains(_siteId) || dropped.Contains(_siteId))
            Refuse($"the coordinator does not count {_siteId} as a survivor although it uploaded; revealing its mask key would unmask its input");
        var threshold = _roster!.Threshold;
        if (survivors.Count < threshold)
            Refuse($"only {survivors.Count} survivors, below the threshold {threshold}; the sum of so few would expose individual inputs");
        var answer = new List<RevealedShare>();
        var decided = new Dictionary<string, ShareKind>(StringComparer.Ordinal);
        foreach (var (owner, shares) in _held)
        {
            var kind = survivors.Contains(owner) ? ShareKind.SelfMaskSeed : dropped.Contains(owner) ? ShareKind.MaskKey : (ShareKind?)null;
            if (kind is not { } k) continue;
            if (_revealed.TryGetValue(owner, out var earlier) && earlier != k)
                Refuse($"the coordinator now asks for the {Describe(k)} share of {owner} after the {Describe(earlier)} share was revealed; both would unmask its input");
            decided[owner] = k;
            answer.Add(k == ShareKind.SelfMaskSeed ? shares.Seed : shares.Key);
        }
        foreach (var (owner, kind) in decided) _revealed[owner] = kind;
        return new UnmaskResponse(_siteId, answer);
    }

    public void Dispose()
    {
        _encryptionKey.Dispose();
        _maskKey.Dispose();
        CryptographicOperations.ZeroMemory(_selfMaskSeed);
    }

    private static string Describe(ShareKind kind) => kind == ShareKind.SelfMaskSeed ? "self-mask seed" : "mask key";

    private void Expect(Step step, string action)
    {
        if (_step != step) throw new SecureAggregationException($"site {_siteId} cannot {action} now: round {_parameters.Round} is at step {_step}, expected {step}");
    }

    private void Refuse(string reason)
    {
        var line = $"secure aggregation round {_parameters.Round} of run {_parameters.RunId}: {reason}";
        _refusals.Add(line);
        throw new SecureAggregationRefusedException(line);
    }
}
