using System.Text;
using FedTransfer.Federation.Ledger;

namespace FedTransfer.Federation.Tests.Ledger;

public class LedgerFormatTests
{
    [Fact]
    public void Serialize_WritesCanonicalOrderAndOmitsAbsentFields()
    {
        var record = new LedgerRecord
        {
            Sequence = 3, TimeUnixMs = 5, Kind = LedgerKinds.Push, Round = 2, TaskId = "t", Decision = LedgerFormat.Sent,
            Tensors = [new LedgerTensor("a.b", "F32", [2, 3], 24)], Privacy = new LedgerPrivacy(1.5, 0.25, 3.0), Previous = "ab",
        };

        var text = Encoding.UTF8.GetString(LedgerFormat.Serialize(record));

        Assert.Equal("{\"v\":1,\"seq\":3,\"time\":5,\"kind\":\"push\",\"round\":2,\"task\":\"t\",\"decision\":\"sent\"," +
            "\"tensors\":[{\"name\":\"a.b\",\"dtype\":\"F32\",\"shape\":[2,3],\"bytes\":24}]," +
            "\"privacy\":{\"clip_norm\":1.5,\"noise_multiplier\":0.25,\"norm_before_clip\":3},\"prev\":\"ab\"}", text);
    }

    [Fact]
    public void ParseThenSerialize_IsIdentity_ForAwkwardText()
    {
        var record = new LedgerRecord { Kind = "join", Reason = "quote \" newline \n tab \t <b>&amp; hôpital", Previous = "x" };
        var bytes = LedgerFormat.Serialize(record);

        var again = LedgerFormat.Serialize(LedgerFormat.Parse(bytes));

        Assert.Equal(bytes, again);
        Assert.DoesNotContain((byte)'\n', bytes);
    }

    [Fact]
    public void Parse_NotJson_Throws()
    {
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => LedgerFormat.Parse("{nope"u8));
    }

    [Theory]
    [InlineData("{\"v\":1,\"seq\":1,\"seq\":2,\"kind\":\"join\",\"prev\":\"x\"}")]
    [InlineData("{\"v\":1,\"seq\":1,\"kind\":\"join\",\"hidden\":\"y\",\"prev\":\"x\"}")]
    public void Parse_RepeatedOrUnknownProperty_Throws(string line)
    {
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => LedgerFormat.Parse(Encoding.UTF8.GetBytes(line)));
    }

    [Fact]
    public void FederationOf_ShortensTheDigest()
    {
        Assert.Equal("lora:r=8 on 0123456789ab", LedgerFormat.FederationOf("lora:r=8", "0123456789abcdef"));
    }
}
