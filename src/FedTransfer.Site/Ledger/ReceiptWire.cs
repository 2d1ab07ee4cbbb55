using FedTransfer.Contracts.V1;
using Google.Protobuf;

namespace FedTransfer.Site.Ledger;

/// <summary>
/// Reads the coordinator's signature (field 11, bytes) and certificate (field 12, string) of a <see cref="Receipt"/>
/// from its wire form. Working on the wire keeps the ledger independent of whether the generated class already has
/// those fields: protobuf keeps unknown fields and writes them back, so the bytes are the same either way.
/// </summary>
internal static class ReceiptWire
{
    public const int SignatureField = 11;
    public const int CertificateField = 12;

    /// <summary>The receipt's signature and coordinator certificate PEM; empty when the coordinator did not sign.</summary>
    public static (byte[] Signature, string CertificatePem) SignatureOf(Receipt receipt)
    {
        byte[] signature = [];
        var certificate = "";
        var input = new CodedInputStream(receipt.ToByteArray());
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            switch (WireFormat.GetTagFieldNumber(tag), WireFormat.GetTagWireType(tag))
            {
                case (SignatureField, WireFormat.WireType.LengthDelimited):
                    signature = input.ReadBytes().ToByteArray();
                    break;
                case (CertificateField, WireFormat.WireType.LengthDelimited):
                    certificate = input.ReadString();
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }
        return (signature, certificate);
    }
}
