using System.Text;
using FedTransfer.Federation.Ledger;
using FedTransfer.Federation.Tests.TestSupport;

namespace FedTransfer.Federation.Tests.Ledger;

/// <summary>Checkpointed and parallel signature checks, and the named signature algorithm.</summary>
public class LedgerVerifierCheckpointTests
{
    private static readonly LedgerVerifierOptions Parallel = new() { Parallelism = 3 };
    private static readonly LedgerVerifierOptions Every = new() { Parallelism = 2, EverySignature = true };

    private static LedgerVerification Verify(LedgerScenario s, LedgerVerifierOptions? options = null) =>
        new LedgerVerifier(CertificateTrust.FromPemFile(s.CaPath), options).Verify(s.LedgerPath);

    // Re-signs lines[from..] with the site key and re-links their chain: what only the key's holder can do.
    private static void Rechain(LedgerScenario s, string[] lines, int from)
    {
        using var key = s.SiteKey();
        for (var i = from; i < lines.Length; i++)
        {
            var record = LedgerFormat.Parse(Encoding.UTF8.GetBytes(lines[i])) with
            {
                Previous = i == 0 ? LedgerFormat.GenesisPrevious : LedgerFormat.Hash(Encoding.UTF8.GetBytes(lines[i - 1])), Signature = null,
            };
            var unsigned = LedgerFormat.Serialize(record);
            lines[i] = Encoding.UTF8.GetString(LedgerLine.WithSignature(unsigned, key.Sign(unsigned)));
        }
        s.WriteLines(lines);
    }

    [Fact]
    public void Verify_LedgerOfSeveralBlocks_AgreesInEveryMode()
    {
        using var s = new LedgerScenario();
        s.Write(120);

        var results = new[] { Verify(s), Verify(s, Parallel), Verify(s, Every) };

        Assert.All(results, r => Assert.True(r.IsValid, r.Failure?.ToString()));
        Assert.All(results, r => Assert.Equal((601L, 120L, 120), (r.Records, r.Receipts, r.SentResults.Count)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Verify_ChangedRecordDeepInABlock_NamesIt(int parallelism)
    {
        using var s = new LedgerScenario();
        s.Write(120);
        var lines = s.Lines();
        lines[300] = lines[300].Replace("run-1", "run-9");
        s.WriteLines(lines);

        var failure = Verify(s, new LedgerVerifierOptions { Parallelism = parallelism }).Failure;

        Assert.NotNull(failure);
        Assert.Equal((300L, 301L), (failure.Sequence, failure.Line));
        Assert.Contains("signature does not verify", failure.Reason);
    }

    [Fact]
    public void Verify_ForgedReceiptInALaterBlock_IsNamedWhateverTheThreads()
    {
        using var s = new LedgerScenario();
        s.Write(120);
        var lines = s.Lines();
        // Receipt of round 100 (record 500) now claims 1400 bytes; site re-signs and re-chains, the coordinator cannot.
        lines[500] = lines[500].Replace("\"payload_bytes\":1500", "\"payload_bytes\":1400");
        lines[499] = lines[499].Replace("\"payload_bytes\":1500", "\"payload_bytes\":1400");
        Rechain(s, lines, 499);

        var failures = new[] { Verify(s).Failure, Verify(s, Parallel).Failure };

        Assert.All(failures, f => Assert.Equal(500L, f!.Sequence));
        Assert.All(failures, f => Assert.Contains("coordinator's signature", f!.Reason));
    }

    [Fact]
    public void Verify_BadOwnSignatureUnderAValidLaterOne_OnlyEverySignatureNamesIt()
    {
        using var s = new LedgerScenario();
        s.Write(2);
        var lines = s.Lines();
        var sig = lines[3][(lines[3].LastIndexOf("\"sig\":\"", StringComparison.Ordinal) + 7)..^2];
        lines[3] = lines[3].Replace(sig, sig[..10] + (sig[10] == 'A' ? 'B' : 'A') + sig[11..]);
        // The site signs record 4 over the line as it now is: record 3's bytes are attested by record 4's signature.
        Rechain(s, lines, 4);

        var checkpoints = Verify(s);
        var every = Verify(s, Every);

        Assert.True(checkpoints.IsValid, checkpoints.Failure?.ToString());
        Assert.Equal(3L, every.Failure!.Sequence);
    }

    [Fact]
    public void Verify_GenesisNamingAnUnknownAlgorithm_IsRefused()
    {
        using var s = new LedgerScenario();
        s.Write(1);
        var lines = s.Lines();
        lines[0] = lines[0].Replace("\"sig_alg\":\"ecdsa-p256-sha256\"", "\"sig_alg\":\"rot13\"");
        Rechain(s, lines, 0);

        var failure = Verify(s).Failure;

        Assert.Equal(0L, failure!.Sequence);
        Assert.Contains("'rot13'", failure.Reason);
    }

    [Fact]
    public void Verify_LedgerWrittenBeforeTheAlgorithmWasNamed_StillVerifies()
    {
        using var s = new LedgerScenario();
        s.Write(1);
        var lines = s.Lines();
        Assert.Contains("\"sig_alg\":\"ecdsa-p256-sha256\"", lines[0]);
        lines[0] = lines[0].Replace(",\"sig_alg\":\"ecdsa-p256-sha256\"", "");
        Rechain(s, lines, 0);

        var result = Verify(s);

        Assert.True(result.IsValid, result.Failure?.ToString());
    }

    [Fact]
    public void Verify_ReceiptMissingFields_IsAFindingNotACrash()
    {
        using var s = new LedgerScenario();
        s.Write(1);
        var lines = s.Lines();
        var receipt = LedgerFormat.Parse(Encoding.UTF8.GetBytes(lines[5]));
        lines[5] = Encoding.UTF8.GetString(LedgerFormat.Serialize(receipt with { Signature = null, Receipt = receipt.Receipt! with { SiteId = null! } }));
        Rechain(s, lines, 5);

        var failure = Verify(s).Failure;

        Assert.Equal(5L, failure!.Sequence);
        Assert.Contains("the receipt lacks", failure.Reason);
    }
}
