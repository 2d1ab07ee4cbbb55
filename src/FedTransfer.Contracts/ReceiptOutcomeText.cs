using FedTransfer.Contracts.V1;

namespace FedTransfer.Contracts;

/// <summary>
/// The outcome as it is written into a receipt's signed canonical text (<c>outcome=accepted</c>): the coordinator signs
/// with it and auditors re-create it from a receipt, so both sides must use this one mapping.
/// </summary>
public static class ReceiptOutcomeText
{
    /// <summary><c>accepted</c>, <c>late</c>, <c>rejected</c> or <c>unspecified</c>.</summary>
    public static string ToSignedText(this ResultOutcome outcome) => outcome switch
    {
        ResultOutcome.Accepted => "accepted",
        ResultOutcome.Late => "late",
        ResultOutcome.Rejected => "rejected",
        _ => "unspecified",
    };
}
