using System.Globalization;
using FedTransfer.Federation.Ledger;

namespace FedTransfer.Federation.Privacy;

/// <summary>
/// Re-derives a site's privacy spending from its ledger, federation by federation: every sent result that records an
/// ε is one sampled Gaussian round at its recorded noise multiplier and sampling rate (a result re-sent for the same
/// task is the same release and spends nothing more). The recorded round count and ε must be what those parameters
/// give; the site's own budget check starts from the same account (<see cref="Spent"/>), so the ledger is the one record.
/// </summary>
public sealed class PrivacySpendCheck
{
    private readonly Dictionary<string, Account> _accounts = new(StringComparer.Ordinal);

    /// <summary>Relative tolerance on a recorded ε (it is written as a JSON double, so it round-trips exactly; this only absorbs other writers).</summary>
    public const double Tolerance = 1e-9;

    /// <summary>Adds one ledger record; returns a one-line finding when its recorded spending is not what its parameters give, else null.</summary>
    public string? Add(LedgerRecord record)
    {
        if (record.Kind != LedgerKinds.Push || record.Decision != LedgerFormat.Sent || record.Privacy is not { Epsilon: { } recorded } p) return null;
        if (p.SamplingRate is not { } q || p.Delta is not { } delta || p.Rounds is not { } rounds)
            return "a result records an epsilon without its sampling_rate, delta and rounds";
        if (!(q is > 0 and <= 1) || !(delta is > 0 and < 1) || !(p.NoiseMultiplier > 0))
            return string.Create(CultureInfo.InvariantCulture, $"a result records privacy parameters out of range (noise multiplier {p.NoiseMultiplier}, sampling rate {q}, delta {delta})");
        var key = record.Federation ?? "";
        if (!_accounts.TryGetValue(key, out var account)) _accounts[key] = account = new Account();
        if (record.TaskId is { } task && !account.Tasks.Add(task))
            return account.Last == (rounds, recorded) ? null : $"task '{task}' was sent again with different privacy spending";
        account.Accountant = account.Accountant.Compose(q, p.NoiseMultiplier);
        if (account.Accountant.Steps != rounds)
            return $"the result records round {rounds} of federation '{key}' spent, but it is the {account.Accountant.Steps}th this ledger records";
        var expected = account.Accountant.Epsilon(delta);
        account.Last = (rounds, recorded);
        if (Math.Abs(expected - recorded) > Tolerance * Math.Max(1, Math.Abs(expected)))
            return string.Create(CultureInfo.InvariantCulture,
                $"the result records epsilon {recorded:R} for federation '{key}' after {rounds} round(s), but its recorded parameters give {expected:R}");
        return null;
    }

    /// <summary>The account of <paramref name="federation"/> so far: the accountant and the tasks already spent; empty when none.</summary>
    public (RdpAccountant Accountant, IReadOnlySet<string> Tasks) Spent(string federation) =>
        _accounts.TryGetValue(federation, out var a) ? (a.Accountant, a.Tasks) : (new RdpAccountant(), new HashSet<string>());

    /// <summary>Federations with spending, and their ε after the last recorded round (at the δ it recorded).</summary>
    public IReadOnlyDictionary<string, double> Epsilons() =>
        _accounts.ToDictionary(kv => kv.Key, kv => kv.Value.Last.Epsilon, StringComparer.Ordinal);

    private sealed class Account
    {
        public RdpAccountant Accountant { get; set; } = new();
        public HashSet<string> Tasks { get; } = new(StringComparer.Ordinal);
        public (int Rounds, double Epsilon) Last { get; set; }
    }
}
