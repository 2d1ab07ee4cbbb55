using System.Text;
using FedTransfer.Federation.Ledger;
using FedTransfer.Federation.Tests.TestSupport;

namespace FedTransfer.Federation.Tests.Ledger;

public class LedgerVerifierTests
{
    // Genesis is record 0 (line 1); round r holds records 5r-4 (task) .. 5r (receipt), push at 5r-1.
    private static LedgerScenario ThreeRounds()
    {
        var scenario = new LedgerScenario();
        scenario.Write(3);
        return scenario;
    }

    [Fact]
    public void Verify_UntouchedLedger_IsValidAndCertified()
    {
        using var s = ThreeRounds();

        var result = s.Verify();

        Assert.True(result.IsValid, result.Failure?.ToString());
        Assert.Equal(16, result.Records);
        Assert.True(result.Certified);
        Assert.Equal("site-a", result.Site);
        Assert.Equal(3, result.Receipts);
        Assert.Equal(9, result.Sent);
        Assert.Equal(LedgerFormat.Hash(Encoding.UTF8.GetBytes(s.Lines()[^1])), result.HeadHash);
    }

    [Fact]
    public void Verify_ChangedByteInsideAString_NamesThatRecord()
    {
        using var s = ThreeRounds();
        var lines = s.Lines();
        lines[7] = lines[7].Replace("run-1", "run-2");
        s.WriteLines(lines);

        var failure = s.Verify().Failure;

        Assert.NotNull(failure);
        Assert.Equal((7L, 8L), (failure.Sequence, failure.Line));
        Assert.Contains("signature does not verify", failure.Reason);
    }

    [Fact]
    public void Verify_ChangedByteAnywhere_IsDetectedAtOrBeforeThatRecord()
    {
        using var s = ThreeRounds();
        var bytes = File.ReadAllBytes(s.LedgerPath);
        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < bytes.Length - 1; i++) if (bytes[i] == '\n') lineStarts.Add(i + 1);
        var target = lineStarts[9] + 40;
        bytes[target] ^= 0x01;
        File.WriteAllBytes(s.LedgerPath, bytes);

        var failure = s.Verify().Failure;

        Assert.NotNull(failure);
        Assert.Equal(9, failure.Sequence);
    }

    [Fact]
    public void Verify_DeletedRecord_NamesTheGap()
    {
        using var s = ThreeRounds();
        var lines = s.Lines().ToList();
        lines.RemoveAt(6);
        s.WriteLines(lines);

        var failure = s.Verify().Failure;

        Assert.NotNull(failure);
        Assert.Equal((6L, 7L), (failure.Sequence, failure.Line));
        Assert.Contains("sequence number 7 where 6 was expected", failure.Reason);
    }

    [Fact]
    public void Verify_ReorderedRecords_NamesTheFirstMovedOne()
    {
        using var s = ThreeRounds();
        var lines = s.Lines();
        (lines[4], lines[5]) = (lines[5], lines[4]);
        s.WriteLines(lines);

        var failure = s.Verify().Failure;

        Assert.NotNull(failure);
        Assert.Equal((4L, 5L), (failure.Sequence, failure.Line));
    }

    [Fact]
    public void Verify_InsertedRecord_IsNamed()
    {
        using var s = ThreeRounds();
        var lines = s.Lines().ToList();
        lines.Insert(3, lines[2]);
        s.WriteLines(lines);

        var failure = s.Verify().Failure;

        Assert.NotNull(failure);
        Assert.Equal((3L, 4L), (failure.Sequence, failure.Line));
    }

    [Fact]
    public void Verify_SignaturesSwappedBetweenRecords_NamesTheFirst()
    {
        using var s = ThreeRounds();
        var lines = s.Lines();
        string Sig(string l) => l[(l.LastIndexOf("\"sig\":\"", StringComparison.Ordinal) + 7)..^2];
        var (a, b) = (Sig(lines[2]), Sig(lines[3]));
        lines[2] = lines[2].Replace(a, b);
        lines[3] = lines[3].Replace(b, a);
        s.WriteLines(lines);

        var failure = s.Verify().Failure;

        Assert.NotNull(failure);
        Assert.Equal((2L, 3L), (failure.Sequence, failure.Line));
        Assert.Contains("signature", failure.Reason);
    }

    [Fact]
    public void Verify_TruncatedMidRecord_NamesTheTornRecord()
    {
        using var s = ThreeRounds();
        var bytes = File.ReadAllBytes(s.LedgerPath);
        File.WriteAllBytes(s.LedgerPath, bytes[..(bytes.Length - 30)]);

        var failure = s.Verify().Failure;

        Assert.NotNull(failure);
        Assert.Equal((15L, 16L), (failure.Sequence, failure.Line));
        Assert.Contains("ends in the middle", failure.Reason);
    }

    [Fact]
    public void Verify_TruncatedAtRecordBoundary_ChangesTheReportedHead()
    {
        // Whole records cut off the end leave a valid chain; the head (sequence and hash) is what reveals it.
        using var s = ThreeRounds();
        var full = s.Verify();
        s.WriteLines(s.Lines()[..^2]);

        var cut = s.Verify();

        Assert.True(cut.IsValid);
        Assert.Equal(full.HeadSequence - 2, cut.HeadSequence);
        Assert.NotEqual(full.HeadHash, cut.HeadHash);
    }

    [Fact]
    public void Verify_ResultOutsideTheAllowlist_IsBad()
    {
        using var s = new LedgerScenario();
        using (var key = s.SiteKey())
        using (var writer = LedgerWriter.Open(s.LedgerPath, key))
            s.WriteRound(writer, 1, [.. LedgerScenario.Trainable[..2], new LedgerTensor("blocks.0.mlp.fc1.weight", "F32", [5, 16], 320)]);

        var failure = s.Verify().Failure;

        Assert.NotNull(failure);
        Assert.Equal(4, failure.Sequence);
        Assert.Contains("blocks.0.mlp.fc1.weight", failure.Reason);
    }

    [Fact]
    public void Verify_ResultWithWrongShape_IsBad()
    {
        using var s = new LedgerScenario();
        using (var key = s.SiteKey())
        using (var writer = LedgerWriter.Open(s.LedgerPath, key))
            s.WriteRound(writer, 1, [.. LedgerScenario.Trainable[..2], new LedgerTensor("head.weight", "F32", [6, 16], 384)]);

        var failure = s.Verify().Failure;

        Assert.NotNull(failure);
        Assert.Contains("shape [6, 16], allowed [5, 16]", failure.Reason);
    }

    [Fact]
    public void Verify_ReceiptForOtherBytes_IsBad()
    {
        using var s = new LedgerScenario();
        using (var key = s.SiteKey())
        using (var writer = LedgerWriter.Open(s.LedgerPath, key))
        {
            s.WriteRound(writer, 1);
            writer.Append(new LedgerRecord { Kind = LedgerKinds.Receipt, TaskId = "task-1", Receipt = s.Receipt("task-1", 1, new string('c', 64), 1500) });
        }

        var failure = s.Verify().Failure;

        Assert.NotNull(failure);
        Assert.Equal(6, failure.Sequence);
        Assert.Contains("matches no result", failure.Reason);
    }

    [Fact]
    public void Verify_ReceiptWithForgedSignature_IsBad()
    {
        using var s = new LedgerScenario();
        using (var key = s.SiteKey())
        using (var writer = LedgerWriter.Open(s.LedgerPath, key))
        {
            s.WriteRound(writer, 1);
            // The receipt names the sent result, but its signature is the coordinator's over other bytes.
            var genuine = s.Receipt("task-1", 1, "x", 1);
            writer.Append(new LedgerRecord
            {
                Kind = LedgerKinds.Receipt, TaskId = "task-1", Receipt = s.Receipt("task-1", 1, LedgerScenario.PayloadSha(1), 1500) with { Signature = genuine.Signature },
            });
        }

        var failure = s.Verify().Failure;

        Assert.NotNull(failure);
        Assert.Contains("coordinator's signature", failure.Reason);
    }

    [Fact]
    public void Verify_AgainstAnotherCa_FailsAtGenesis()
    {
        using var s = ThreeRounds();
        using var other = new TestPki("Other CA");
        var otherCa = s.Folder.File("other-ca.pem");
        File.WriteAllText(otherCa, other.Ca.ExportCertificatePem());

        var failure = new LedgerVerifier(CertificateTrust.FromPemFile(otherCa)).Verify(s.LedgerPath).Failure;

        Assert.NotNull(failure);
        Assert.Equal((0L, 1L), (failure.Sequence, failure.Line));
        Assert.Contains("does not chain", failure.Reason);
    }

    [Fact]
    public void Verify_DevelopmentKey_IsValidWithoutCaAndSaysSo_ButFailsWithCa()
    {
        using var s = new LedgerScenario();
        using (var key = LedgerSigningKey.LoadOrCreateDevelopmentKey(s.Folder.File("dev.key.pem"), "dev-site"))
            s.Write(1, key);

        var withoutCa = s.Verify(withCa: false);
        var withCa = s.Verify();

        Assert.True(withoutCa.IsValid, withoutCa.Failure?.ToString());
        Assert.False(withoutCa.Certified);
        Assert.Contains(withoutCa.Warnings, w => w.Contains("NOT certified by a CA"));
        Assert.NotNull(withCa.Failure);
        Assert.Contains("not certified by a CA", withCa.Failure.Reason);
    }

    [Fact]
    public void Verify_EmptyFile_IsBad()
    {
        using var s = new LedgerScenario();
        File.WriteAllText(s.LedgerPath, "");

        Assert.Contains("empty", s.Verify().Failure!.Reason);
    }
}
