using System.Text.Json;
using FedTransfer.Federation.Ledger;
using FedTransfer.Federation.Privacy;

namespace FedTransfer.Site.Policy;

/// <summary>
/// What the site has spent of its privacy budget, per federation. Rebuilt at start from the site's own ledger (every
/// sent result that records an ε, re-derived as <c>audit verify</c> does), so a restart does not reset the budget and
/// the ledger stays the one record; rounds spent since are added as their deltas are privatised.
/// </summary>
internal sealed class SitePrivacyAccount
{
    private readonly object _gate = new();
    private readonly Dictionary<string, (RdpAccountant Accountant, HashSet<string> Tasks, Dictionary<string, PrivacySpend> Spent)> _federations =
        new(StringComparer.Ordinal);

    /// <summary>An account that has spent nothing (a site without a ledger file yet, and tests).</summary>
    public SitePrivacyAccount()
    {
    }

    /// <summary>The account the ledger at <paramref name="ledgerPath"/> records (its segments included); empty when there is none yet.</summary>
    /// <exception cref="InvalidDataException">A recorded ε does not match its parameters: the site must not trust its own spending.</exception>
    public static SitePrivacyAccount FromLedger(string ledgerPath)
    {
        var account = new SitePrivacyAccount();
        if (!File.Exists(ledgerPath) && !Directory.Exists(ledgerPath)) return account;
        var check = new PrivacySpendCheck();
        var federations = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in LedgerSegments.Lines(ledgerPath))
        {
            if (!line.Terminated) continue; // a torn tail is moved aside by the writer; it was never sent
            LedgerRecord record;
            try
            {
                record = LedgerFormat.Parse(line.Bytes.Span);
            }
            catch (JsonException)
            {
                continue; // the verifier reports it; it cannot be a sent result
            }
            if (check.Add(record) is { } problem)
                throw new InvalidDataException($"ledger '{ledgerPath}' line {line.LineNumber}: {problem}; run `fedtransfer audit verify` on it");
            if (record.Privacy?.Epsilon is not null) federations.Add(record.Federation ?? "");
        }
        foreach (var federation in federations)
        {
            var (accountant, tasks) = check.Spent(federation);
            account._federations[federation] = (accountant, [.. tasks], new Dictionary<string, PrivacySpend>(StringComparer.Ordinal));
        }
        return account;
    }

    /// <summary>ε in <paramref name="federation"/> if task <paramref name="taskId"/> is spent at (q, z); unchanged when it already was.</summary>
    public double EpsilonIf(string federation, string taskId, double samplingRate, double noiseMultiplier, double delta)
    {
        lock (_gate)
        {
            var (accountant, tasks, _) = Get(federation);
            return tasks.Contains(taskId) ? accountant.Epsilon(delta) : accountant.Compose(samplingRate, noiseMultiplier).Epsilon(delta);
        }
    }

    /// <summary>Spends one round for <paramref name="taskId"/> (once: the same task again returns what it spent).</summary>
    public PrivacySpend Spend(string federation, string taskId, double samplingRate, double noiseMultiplier, double delta)
    {
        lock (_gate)
        {
            var (accountant, tasks, spent) = Get(federation);
            if (spent.TryGetValue(taskId, out var again)) return again;
            // Spent before a restart (known from the ledger): the same release again spends nothing more.
            if (tasks.Contains(taskId)) return new PrivacySpend(samplingRate, delta, accountant.Steps, accountant.Epsilon(delta));
            accountant = accountant.Compose(samplingRate, noiseMultiplier);
            tasks.Add(taskId);
            var spend = new PrivacySpend(samplingRate, delta, accountant.Steps, accountant.Epsilon(delta));
            spent[taskId] = spend;
            _federations[federation] = (accountant, tasks, spent);
            return spend;
        }
    }

    /// <summary>Rounds spent in <paramref name="federation"/>.</summary>
    public int Rounds(string federation)
    {
        lock (_gate) return Get(federation).Accountant.Steps;
    }

    private (RdpAccountant Accountant, HashSet<string> Tasks, Dictionary<string, PrivacySpend> Spent) Get(string federation) =>
        _federations.TryGetValue(federation, out var entry)
            ? entry
            : _federations[federation] = (new RdpAccountant(), new HashSet<string>(StringComparer.Ordinal), new Dictionary<string, PrivacySpend>(StringComparer.Ordinal));
}
