namespace FedTransfer.Federation.SecureAggregation;

/// <summary>
/// The coordinator's side of one secure aggregation round as a pure state machine. It routes keys and encrypted shares,
/// adds each masked input into one running sum mod 2^32 as it arrives (no per-site vector is kept), and at the end
/// rebuilds, from the survivors' revealed shares, the self-mask seeds of the sites that uploaded and the mask keys of
/// the sites that dropped after sharing, and removes those masks: what it ends with is the sum and nothing else.
/// Each Close method ends a phase with whoever answered; below the threshold the round fails with a one-line reason.
/// </summary>
public sealed class SecureAggregationCoordinator
{
    private readonly SecureAggregationParameters _parameters;
    private readonly HashSet<string> _sampled;
    private readonly long _graphSeed;
    private readonly Dictionary<string, AdvertisedKeys> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<EncryptedShare>> _shares = new(StringComparer.Ordinal);
    private readonly HashSet<string> _uploaded = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UnmaskResponse> _unmasked = new(StringComparer.Ordinal);
    private readonly Dictionary<string, System.Numerics.BigInteger[]> _lagrange = new(StringComparer.Ordinal);
    private readonly uint[] _sum;
    private Dictionary<string, int> _x = new(StringComparer.Ordinal);
    private NeighbourGraph? _graph;
    private UnmaskRequest? _request;

    public SecureAggregationCoordinator(SecureAggregationParameters parameters, IEnumerable<string> sampled, long graphSeed)
    {
        if (parameters.Problem() is { } problem) throw new ArgumentException(problem);
        _parameters = parameters;
        _sampled = new HashSet<string>(sampled, StringComparer.Ordinal);
        if (_sampled.Count > parameters.Ring.MaxSites)
            throw new ArgumentException($"{_sampled.Count} sites sampled but the fixed-point ring is sized for {parameters.Ring.MaxSites}");
        _graphSeed = graphSeed;
        _sum = new uint[parameters.VectorLength];
    }

    /// <summary>The phase the round is in.</summary>
    public SecureAggregationPhase Phase { get; private set; } = SecureAggregationPhase.AdvertiseKeys;

    /// <summary>Why the round failed, one line; null unless <see cref="Phase"/> is Failed.</summary>
    public string? FailureReason { get; private set; }

    /// <summary>The graph the round runs on, once advertising closed.</summary>
    public NeighbourGraph? Graph => _graph;

    /// <summary>Phase 1: a site's keys.</summary>
    /// <exception cref="SecureAggregationException">Wrong phase, a site not sampled, a second advertisement or a malformed key.</exception>
    public void AcceptKeys(AdvertisedKeys keys)
    {
        Expect(SecureAggregationPhase.AdvertiseKeys, keys.SiteId, "advertise keys");
        if (!_sampled.Contains(keys.SiteId)) throw Violation($"site {keys.SiteId} was not sampled for round {_parameters.Round}");
        if (_keys.ContainsKey(keys.SiteId)) throw Violation($"site {keys.SiteId} already advertised its keys for round {_parameters.Round}");
        if (!RoundKeyPair.IsValidPublicKey(keys.EncryptionKey) || !RoundKeyPair.IsValidPublicKey(keys.MaskKey) || keys.EncryptionKey.AsSpan().SequenceEqual(keys.MaskKey))
            throw Violation($"site {keys.SiteId} advertised keys that are not two distinct valid P-256 points");
        _keys[keys.SiteId] = keys;
    }

    /// <summary>Ends phase 1: builds the graph over the sites that advertised and returns each one's roster; null when the round failed.</summary>
    public IReadOnlyDictionary<string, SiteRoster>? CloseAdvertising()
    {
        Expect(SecureAggregationPhase.AdvertiseKeys, "coordinator", "close advertising");
        if (_keys.Count < SecureAggregationParameters.MinSites)
            return Fail<IReadOnlyDictionary<string, SiteRoster>>($"only {_keys.Count} of {_sampled.Count} sampled sites advertised keys; secure aggregation needs at least {SecureAggregationParameters.MinSites}");
        _graph = NeighbourGraph.Build(_keys.Keys, _graphSeed, _parameters.CompleteGraph);
        var ordered = _keys.Keys.Order(StringComparer.Ordinal).ToArray();
        _x = ordered.Select((site, i) => (site, i)).ToDictionary(p => p.site, p => p.i + 1, StringComparer.Ordinal);
        var threshold = _parameters.ThresholdFor(_graph.Degree + 1);
        if (_keys.Count < threshold)
            return Fail<IReadOnlyDictionary<string, SiteRoster>>($"only {_keys.Count} sites advertised keys, below the threshold {threshold}");
        var rosters = new Dictionary<string, SiteRoster>(StringComparer.Ordinal);
        foreach (var site in ordered)
        {
            var neighbours = _graph.NeighboursOf(site).Select(n => new RosterEntry(n, _x[n], _keys[n].EncryptionKey, _keys[n].MaskKey)).ToArray();
            rosters[site] = new SiteRoster(site, _x[site], threshold, neighbours);
        }
        Phase = SecureAggregationPhase.ShareKeys;
        return rosters;
    }

    /// <summary>Phase 2: a site's encrypted shares, exactly one for each of its neighbours.</summary>
    public void AcceptShares(string siteId, IReadOnlyList<EncryptedShare> shares)
    {
        Expect(SecureAggregationPhase.ShareKeys, siteId, "share keys");
        if (_graph is null || !_keys.ContainsKey(siteId)) throw Violation($"site {siteId} did not advertise keys in round {_parameters.Round}");
        if (_shares.ContainsKey(siteId)) throw Violation($"site {siteId} already sent its shares for round {_parameters.Round}");
        var neighbours = _graph.NeighboursOf(siteId);
        var recipients = shares.Select(s => s.To).Order(StringComparer.Ordinal).ToArray();
        if (shares.Any(s => s.From != siteId) || !recipients.SequenceEqual(neighbours, StringComparer.Ordinal))
            throw Violation($"site {siteId} must send exactly one share from itself to each of its {neighbours.Count} neighbours");
        _shares[siteId] = shares;
    }

    /// <summary>Ends phase 2: each sharing site's inbox (the shares its neighbours that shared sent it); null when the round failed.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<EncryptedShare>>? CloseSharing()
    {
        Expect(SecureAggregationPhase.ShareKeys, "coordinator", "close sharing");
        var threshold = _parameters.ThresholdFor(_graph!.Degree + 1);
        if (_shares.Count < Math.Max(threshold, SecureAggregationParameters.MinSites))
            return Fail<IReadOnlyDictionary<string, IReadOnlyList<EncryptedShare>>>($"only {_shares.Count} sites sent their key shares, below the threshold {Math.Max(threshold, SecureAggregationParameters.MinSites)}");
        var inboxes = _shares.Keys.ToDictionary(s => s, _ => new List<EncryptedShare>(), StringComparer.Ordinal);
        foreach (var share in _shares.Values.SelectMany(s => s))
        {
            if (inboxes.TryGetValue(share.To, out var inbox)) inbox.Add(share);
        }
        Phase = SecureAggregationPhase.MaskedUpload;
        return inboxes.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<EncryptedShare>)kv.Value, StringComparer.Ordinal);
    }

    /// <summary>Phase 3: adds a site's masked input into the running sum; the input itself is not kept.</summary>
    public void AcceptMaskedInput(string siteId, ReadOnlySpan<uint> masked)
    {
        Expect(SecureAggregationPhase.MaskedUpload, siteId, "upload a masked input");
        if (!_shares.ContainsKey(siteId)) throw Violation($"site {siteId} did not share its keys in round {_parameters.Round}, so its input could never be unmasked");
        if (masked.Length != _sum.Length) throw Violation($"site {siteId} uploaded {masked.Length} ring elements; the round aggregates {_sum.Length}");
        if (!_uploaded.Add(siteId)) throw Violation($"site {siteId} already uploaded its masked input for round {_parameters.Round}");
        MaskExpansion.AddInto(_sum, masked);
    }

    /// <summary>Ends phase 3: the one unmask request every survivor gets; null when the round failed.</summary>
    public UnmaskRequest? CloseUpload()
    {
        Expect(SecureAggregationPhase.MaskedUpload, "coordinator", "close uploading");
        var threshold = Math.Max(_parameters.ThresholdFor(_graph!.Degree + 1), SecureAggregationParameters.MinSites - 1);
        if (_uploaded.Count < threshold)
            return Fail<UnmaskRequest>($"only {_uploaded.Count} sites uploaded a masked input, below the threshold {threshold}");
        _request = new UnmaskRequest(_uploaded.Order(StringComparer.Ordinal).ToArray(),
            _shares.Keys.Where(s => !_uploaded.Contains(s)).Order(StringComparer.Ordinal).ToArray());
        Phase = SecureAggregationPhase.Unmask;
        return _request;
    }

    /// <summary>Phase 4: a survivor's revealed shares, each of the kind the request implies for its owner.</summary>
    public void AcceptUnmask(UnmaskResponse response)
    {
        Expect(SecureAggregationPhase.Unmask, response.SiteId, "unmask");
        if (!_uploaded.Contains(response.SiteId)) throw Violation($"site {response.SiteId} did not upload a masked input, so it takes no part in unmasking");
        if (_unmasked.ContainsKey(response.SiteId)) throw Violation($"site {response.SiteId} already answered the unmask request");
        if (response.Shares.Select(s => s.Owner).Distinct(StringComparer.Ordinal).Count() != response.Shares.Count)
            throw Violation($"site {response.SiteId} revealed more than one share of the same owner");
        foreach (var share in response.Shares)
        {
            if (share.Value.Length != ShamirSharing.ShareBytes || !IsFieldElement(share.Value))
                throw Violation($"site {response.SiteId} revealed a share of {share.Owner} that is not a field element");
            var expected = _uploaded.Contains(share.Owner) ? ShareKind.SelfMaskSeed : _shares.ContainsKey(share.Owner) ? ShareKind.MaskKey : (ShareKind?)null;
            var holds = share.Owner == response.SiteId || _graph!.AreNeighbours(share.Owner, response.SiteId);
            if (expected != share.Kind || !holds || share.X != _x[response.SiteId])
                throw Violation($"site {response.SiteId} revealed a share of {share.Owner} it does not hold or of the wrong kind");
        }
        _unmasked[response.SiteId] = response;
    }

    /// <summary>Ends phase 4: removes the masks and decodes the sum of the survivors' inputs, or says why it cannot.</summary>
    public SecureAggregationResult Finish()
    {
        Expect(SecureAggregationPhase.Unmask, "coordinator", "finish");
        var threshold = _parameters.ThresholdFor(_graph!.Degree + 1);
        var byOwner = _unmasked.Values.SelectMany(r => r.Shares).GroupBy(s => (s.Owner, s.Kind)).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var owner in _request!.Survivors)
        {
            var seed = Recover(byOwner, owner, ShareKind.SelfMaskSeed, threshold, MaskExpansion.SeedBytes);
            if (seed is null) return Failed();
            MaskExpansion.Subtract(seed, _sum);
        }
        foreach (var owner in _request.Dropped)
        {
            var scalar = Recover(byOwner, owner, ShareKind.MaskKey, threshold, RoundKeyPair.PrivateKeyBytes);
            if (scalar is null || !RemovePairwiseMasks(owner, scalar)) return Failed();
        }
        var decoded = new double[_sum.Length];
        _parameters.Ring.DecodeSum(_sum, decoded);
        Array.Clear(_sum);
        Phase = SecureAggregationPhase.Done;
        return new SecureAggregationResult(decoded, _request.Survivors, null);
    }

    private bool RemovePairwiseMasks(string dropped, byte[] scalar)
    {
        // Each survivor w added PRG(s_wv) when w < v and subtracted it otherwise; undo that for the dropped v.
        RoundKeyPair key;
        try
        {
            key = RoundKeyPair.FromPrivate(scalar, _keys[dropped].MaskKey);
        }
        catch (ArgumentException)
        {
            Fail($"the mask key of dropped site {dropped} rebuilt from its shares does not match its advertised key; a holder revealed a wrong share");
            return false;
        }
        using (key)
        {
            foreach (var survivor in _graph!.NeighboursOf(dropped).Where(_uploaded.Contains))
            {
                var seed = key.Agree(_keys[survivor].MaskKey, _parameters.MaskLabel(dropped, survivor));
                if (string.CompareOrdinal(survivor, dropped) < 0) MaskExpansion.Subtract(seed, _sum);
                else MaskExpansion.Add(seed, _sum);
            }
        }
        return true;
    }

    private byte[]? Recover(Dictionary<(string, ShareKind), List<RevealedShare>> byOwner, string owner, ShareKind kind, int threshold, int bytes)
    {
        var shares = byOwner.TryGetValue((owner, kind), out var list) ? list : [];
        if (shares.Count < threshold)
        {
            var what = kind == ShareKind.SelfMaskSeed ? "self-mask seed of surviving" : "mask key of dropped";
            Fail($"the {what} site {owner} needs {threshold} shares but only {shares.Count} of its holders answered the unmask request");
            return null;
        }
        // Exactly t shares, lowest x first: any t determine the polynomial, and owners with the same holders reuse the coefficients.
        var used = shares.OrderBy(s => s.X).Take(threshold).ToArray();
        var key = string.Join(',', used.Select(s => s.X));
        if (!_lagrange.TryGetValue(key, out var coefficients)) _lagrange[key] = coefficients = ShamirSharing.LagrangeAtZero(used.Select(s => s.X).ToArray());
        try
        {
            return ShamirSharing.Combine(used.Select(s => new ShamirShare(s.X, ShamirSharing.Decode(s.Value))).ToArray(), bytes, coefficients);
        }
        catch (ArgumentException)
        {
            Fail($"the shares of site {owner} do not combine into a secret of its size; a holder revealed a wrong share");
            return null;
        }
    }

    private static bool IsFieldElement(byte[] value)
    {
        try
        {
            ShamirSharing.Decode(value);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private SecureAggregationResult Failed() => new(null, _request?.Survivors ?? [], FailureReason);

    private T? Fail<T>(string reason) where T : class
    {
        Fail(reason);
        return null;
    }

    private void Fail(string reason)
    {
        Array.Clear(_sum);
        Phase = SecureAggregationPhase.Failed;
        FailureReason = $"secure aggregation of round {_parameters.Round} failed: {reason}";
    }

    private void Expect(SecureAggregationPhase phase, string who, string action)
    {
        if (Phase != phase) throw Violation($"{who} cannot {action} in round {_parameters.Round}: the round is at {Phase}, not {phase}");
    }

    private static SecureAggregationException Violation(string message) => new(message);
}

/// <summary>Where a secure aggregation round stands.</summary>
public enum SecureAggregationPhase
{
    AdvertiseKeys,
    ShareKeys,
    MaskedUpload,
    Unmask,
    Done,
    Failed,
}
