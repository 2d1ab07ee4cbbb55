using System.Text;
using FedTransfer.Federation.Ledger;
using FedTransfer.Federation.Tests.TestSupport;

namespace FedTransfer.Federation.Tests.Ledger;

/// <summary>Rotation into size-limited segments, the chain continued across them, and verification of the folder.</summary>
public class LedgerSegmentsTests
{
    private const long SegmentBytes = 16 * 1024;

    private static void WriteRotating(LedgerScenario s, int rounds)
    {
        using var key = s.SiteKey();
        using var writer = LedgerWriter.Open(s.LedgerPath, key, syncEachRecord: false, maxSegmentBytes: SegmentBytes);
        for (var round = 1; round <= rounds; round++) s.WriteRound(writer, round);
    }

    private static LedgerRecord First(string file) => LedgerFormat.Parse(Encoding.UTF8.GetBytes(File.ReadLines(file).First()));

    [Fact]
    public void Append_PastTheSegmentSize_RotatesAndTheChainVerifiesAcrossSegments()
    {
        using var s = new LedgerScenario();
        WriteRotating(s, 30);

        var closed = LedgerSegments.Closed(s.LedgerPath);
        var result = new LedgerVerifier(CertificateTrust.FromPemFile(s.CaPath)).Verify(s.Folder.Path);

        Assert.True(closed.Count >= 3, $"{closed.Count} closed segments");
        Assert.All(closed, f => Assert.True(new FileInfo(f).Length < SegmentBytes + 4096));
        Assert.Equal("ledger.000000000000.jsonl", Path.GetFileName(closed[0]));
        var second = First(closed[1]);
        Assert.Equal((LedgerKinds.Segment, "ledger.000000000000.jsonl"), (second.Kind, second.Segment!.PreviousFile));
        Assert.Equal(Path.GetFileName(closed[1]), LedgerSegments.ClosedName(s.LedgerPath, second.Sequence));
        Assert.True(result.IsValid, result.Failure?.ToString());
        Assert.Equal(30, result.Receipts);
        Assert.True(new LedgerVerifier(null).Verify(s.LedgerPath).IsValid, "the active file's path finds its closed segments too");
    }

    [Fact]
    public void Reopen_AfterRotation_ContinuesTheChainInTheActiveSegment()
    {
        using var s = new LedgerScenario();
        WriteRotating(s, 12);
        var closedBefore = LedgerSegments.Closed(s.LedgerPath).Count;

        using (var key = s.SiteKey())
        using (var writer = LedgerWriter.Open(s.LedgerPath, key, maxSegmentBytes: SegmentBytes))
            s.WriteRound(writer, 13);

        Assert.True(closedBefore > 0);
        var result = s.Verify();
        Assert.True(result.IsValid, result.Failure?.ToString());
        Assert.Equal(13, result.Receipts);
    }

    [Fact]
    public void Open_AfterARotationCutShortBeforeTheNewSegment_GoesOnFromTheClosedOne()
    {
        using var s = new LedgerScenario();
        WriteRotating(s, 12);
        // As if the site stopped right after closing a segment: the closed segment is there, the new active file is not.
        var closed = LedgerSegments.Closed(s.LedgerPath);
        var lastClosedEnd = File.ReadAllLines(closed[^1]).Length;
        File.Delete(s.LedgerPath);
        foreach (var later in Directory.GetFiles(s.Folder.Path, "ledger.*.jsonl").Except(closed)) File.Delete(later);

        using (var key = s.SiteKey())
        using (LedgerWriter.Open(s.LedgerPath, key, maxSegmentBytes: SegmentBytes)) { }

        var opened = First(s.LedgerPath);
        Assert.Equal((LedgerKinds.Segment, Path.GetFileName(closed[^1])), (opened.Kind, opened.Segment!.PreviousFile));
        Assert.Equal(First(closed[^1]).Sequence + lastClosedEnd, opened.Sequence);
        Assert.True(s.Verify().IsValid, s.Verify().Failure?.ToString());
    }

    [Fact]
    public void Verify_MissingMiddleSegment_IsNamed()
    {
        using var s = new LedgerScenario();
        WriteRotating(s, 30);
        var closed = LedgerSegments.Closed(s.LedgerPath);
        File.Delete(closed[1]);

        var failure = new LedgerVerifier(null).Verify(s.Folder.Path).Failure;

        Assert.NotNull(failure);
        Assert.Equal(Path.GetFileName(closed[2]), failure.File);
        Assert.Contains("sequence number", failure.Reason);
    }

    [Fact]
    public void Verify_SegmentRecordOutOfPlace_IsNamed()
    {
        using var s = new LedgerScenario();
        WriteRotating(s, 30);
        var closed = LedgerSegments.Closed(s.LedgerPath);
        // The second segment's opening record, moved to the end of the first: sequence and chain catch it first.
        var first = File.ReadAllLines(closed[0]).ToList();
        first.Add(File.ReadLines(closed[1]).First());
        File.WriteAllLines(closed[0], first);

        var failure = new LedgerVerifier(null).Verify(s.Folder.Path).Failure;

        Assert.NotNull(failure);
        Assert.Equal(Path.GetFileName(closed[0]), failure.File);
    }
}
