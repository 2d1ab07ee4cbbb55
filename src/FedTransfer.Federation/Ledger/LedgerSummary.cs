namespace FedTransfer.Federation.Ledger;

/// <summary>What left a site in one round of one run of a federation, and what was refused.</summary>
public sealed class RoundSummary
{
    public required string Federation { get; init; }
    public required string RunId { get; init; }
    public required int Round { get; init; }

    /// <summary>Results sent, in ledger order.</summary>
    public List<LedgerRecord> Sent { get; } = [];

    /// <summary>Refused messages of this round, in ledger order.</summary>
    public List<LedgerRecord> Refused { get; } = [];

    public long SentBytes => Sent.Sum(r => r.PayloadBytes ?? 0);
}

/// <summary>
/// The auditor's view of a ledger: per federation, run and round what left and what was refused, plus totals per
/// message kind. Built from the records alone (run <see cref="LedgerVerifier"/> to know they can be trusted).
/// </summary>
public sealed class LedgerSummary
{
    /// <summary>Rounds ordered by federation, run, round.</summary>
    public List<RoundSummary> Rounds { get; } = [];

    /// <summary>Messages that belong to no task (join, pull, fetch) that were refused.</summary>
    public List<LedgerRecord> OtherRefused { get; } = [];

    /// <summary>Per kind: messages sent and refused.</summary>
    public SortedDictionary<string, (long Sent, long Refused)> Kinds { get; } = new(StringComparer.Ordinal);

    public long TotalPayloadBytes { get; private set; }
    public long Receipts { get; private set; }
    public string? Site { get; private set; }
    public long Records { get; private set; }

    /// <summary>Summarises the complete lines of the ledger at <paramref name="path"/>.</summary>
    /// <exception cref="FormatException">A line is not a ledger record.</exception>
    public static LedgerSummary Build(string path)
    {
        var summary = new LedgerSummary();
        var rounds = new Dictionary<(string, string, int), RoundSummary>();
        foreach (var raw in LedgerSegments.Lines(path))
        {
            if (!raw.Terminated) break;
            LedgerRecord r;
            try
            {
                r = LedgerFormat.Parse(raw.Bytes.Span);
            }
            catch (System.Text.Json.JsonException e)
            {
                throw new FormatException($"ledger {path}, line {raw.LineNumber}: not a ledger record ({e.Message}); run `fedtransfer audit verify` on it");
            }
            summary.Records++;
            if (r.Genesis is { } g) summary.Site = g.Site;
            if (r.Kind == LedgerKinds.Receipt) summary.Receipts++;
            if (r.Decision is null) continue;
            var refused = r.Decision == LedgerFormat.Refused;
            summary.Kinds.TryGetValue(r.Kind, out var counts);
            summary.Kinds[r.Kind] = refused ? (counts.Sent, counts.Refused + 1) : (counts.Sent + 1, counts.Refused);
            if (!refused && r.Kind == LedgerKinds.Push) summary.TotalPayloadBytes += r.PayloadBytes ?? 0;
            if (r.Kind != LedgerKinds.Push || r.TaskId is null)
            {
                if (refused) summary.OtherRefused.Add(r);
                continue;
            }
            var key = (r.Federation ?? "(unknown federation)", r.RunId ?? "", r.Round ?? 0);
            if (!rounds.TryGetValue(key, out var round))
                rounds[key] = round = new RoundSummary { Federation = key.Item1, RunId = key.Item2, Round = key.Item3 };
            (refused ? round.Refused : round.Sent).Add(r);
        }
        summary.Rounds.AddRange(rounds.Values
            .OrderBy(x => x.Federation, StringComparer.Ordinal).ThenBy(x => x.RunId, StringComparer.Ordinal).ThenBy(x => x.Round));
        return summary;
    }
}
