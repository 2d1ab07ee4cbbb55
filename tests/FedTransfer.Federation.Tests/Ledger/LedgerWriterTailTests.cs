using System.Text;
using FedTransfer.Federation.Ledger;
using FedTransfer.Federation.Tests.TestSupport;

namespace FedTransfer.Federation.Tests.Ledger;

/// <summary>The writer checks its ledger's tail at open and before each append, and stops rather than continue a damaged one.</summary>
public class LedgerWriterTailTests
{
    private static LedgerRecord Pull() => new() { Kind = LedgerKinds.Pull, Destination = "https://coordinator:7443", Decision = LedgerFormat.Sent };

    [Fact]
    public void Open_LastLineForged_RefusesAndLeavesTheFileUntouched()
    {
        using var s = new LedgerScenario();
        s.Write(1);
        var lines = s.Lines();
        // Still a well-formed record, but not what the site signed.
        lines[^1] = lines[^1].Replace("\"round\":1", "\"round\":7");
        s.WriteLines(lines);
        var before = File.ReadAllBytes(s.LedgerPath);
        using var key = s.SiteKey();

        var ex = Assert.Throws<LedgerCorruptException>(() => LedgerWriter.Open(s.LedgerPath, key));

        Assert.Contains("record 5", ex.Message);
        Assert.Contains("does not verify", ex.Message);
        Assert.Contains("move it aside", ex.Message);
        Assert.Equal(before, File.ReadAllBytes(s.LedgerPath));
    }

    [Fact]
    public void Open_DamagedLedgerEndingInATornLine_RefusesWithoutMovingTheTornLineAside()
    {
        using var s = new LedgerScenario();
        s.Write(1);
        var lines = s.Lines();
        lines[^1] = lines[^1].Replace("\"round\":1", "\"round\":7");
        s.WriteLines(lines);
        File.AppendAllText(s.LedgerPath, "{\"v\":1,\"seq\":6,\"ti"); // and a torn write after it
        var before = File.ReadAllBytes(s.LedgerPath);
        using var key = s.SiteKey();

        Assert.Throws<LedgerCorruptException>(() => LedgerWriter.Open(s.LedgerPath, key));

        Assert.Equal(before, File.ReadAllBytes(s.LedgerPath));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(s.LedgerPath)!, "*.torn-*"));
    }

    [Fact]
    public void Open_ValidlySignedLastLineThatDoesNotChain_Refuses()
    {
        using var s = new LedgerScenario();
        s.Write(1);
        var lines = s.Lines();
        // Record 4 removed: record 5 is still the site's, but no longer follows the line before it.
        s.WriteLines(lines.Take(4).Append(lines[5]));
        using var key = s.SiteKey();

        var ex = Assert.Throws<LedgerCorruptException>(() => LedgerWriter.Open(s.LedgerPath, key));

        Assert.Contains("does not chain", ex.Message);
    }

    [Fact]
    public void Append_AfterTheLastLineWasChangedInPlace_RefusesNowAndLater()
    {
        using var s = new LedgerScenario();
        using var key = s.SiteKey();
        using var writer = LedgerWriter.Open(s.LedgerPath, key);
        writer.Append(Pull());
        var text = File.ReadAllText(s.LedgerPath);
        // Same length, another byte: only a re-read of the tail can see it.
        var changed = text[..^3] + (text[^3] == 'A' ? 'B' : 'A') + text[^2..];
        File.WriteAllText(s.LedgerPath, changed);

        var first = Assert.Throws<LedgerCorruptException>(() => writer.Append(Pull()));
        var second = Assert.Throws<LedgerCorruptException>(() => writer.Append(Pull()));

        Assert.Contains("record 1", first.Message);
        Assert.Equal(first.Message, second.Message);
        Assert.Equal(changed, File.ReadAllText(s.LedgerPath));
    }

    [Fact]
    public void Append_AfterALineWasAddedBehindTheWriter_Refuses()
    {
        using var s = new LedgerScenario();
        using var key = s.SiteKey();
        using var writer = LedgerWriter.Open(s.LedgerPath, key);
        File.AppendAllText(s.LedgerPath, "{\"v\":1}\n");

        var ex = Assert.Throws<LedgerCorruptException>(() => writer.Append(Pull()));

        Assert.Contains("changed, cut or replaced", ex.Message);
        Assert.EndsWith("{\"v\":1}\n", File.ReadAllText(s.LedgerPath));
    }

    [Fact]
    public void Append_AfterTheFileWasDeleted_StartsNoNewChain()
    {
        using var s = new LedgerScenario();
        using var key = s.SiteKey();
        using (var writer = LedgerWriter.Open(s.LedgerPath, key))
        {
            File.Delete(s.LedgerPath);

            var ex = Assert.Throws<LedgerCorruptException>(() => writer.Append(Pull()));

            Assert.Contains("deleted or moved", ex.Message);
            Assert.False(File.Exists(s.LedgerPath));
        }

        var reopen = Assert.Throws<LedgerCorruptException>(() => LedgerWriter.Open(s.LedgerPath, key));
        Assert.Contains("was in use before", reopen.Message);
    }

    [Fact]
    public void Open_AfterTheLedgerAndItsLockWereMovedAside_StartsANewLedger()
    {
        using var s = new LedgerScenario();
        s.Write(1);
        File.Move(s.LedgerPath, s.LedgerPath + ".old");
        File.Move(s.LedgerPath + ".lock", s.LedgerPath + ".lock.old");
        using var key = s.SiteKey();

        using (LedgerWriter.Open(s.LedgerPath, key)) { }

        Assert.Equal([LedgerKinds.Genesis], s.Lines().Select(l => LedgerFormat.Parse(Encoding.UTF8.GetBytes(l)).Kind));
    }
}
