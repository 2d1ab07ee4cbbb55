using FedTransfer.Federation.Ledger;

namespace FedTransfer.Cli.Audit;

/// <summary>Plain-text pieces shared by the terminal and HTML reports (escaped by each for its medium).</summary>
internal static class AuditText
{
    /// <summary>One line per distinct tensor sent in the round: "name [shape] dtype bytes".</summary>
    public static string Tensors(RoundSummary round) => string.Join("\n", round.Sent
        .SelectMany(r => r.Tensors ?? [])
        .Select(Tensor)
        .Distinct());

    public static string Tensor(LedgerTensor t) => $"{t.Name} [{string.Join(", ", t.Shape)}] {t.DType} {t.Bytes}";

    public static string Refusal(LedgerRecord r) => $"record {r.Sequence}: {r.Reason}";
}
