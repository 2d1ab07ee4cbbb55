using System.Text;
using FedTransfer.Federation.Ledger;
using FedTransfer.Federation.Tests.TestSupport;

namespace FedTransfer.Federation.Tests.Ledger;

public class LedgerWriterTests
{
    [Fact]
    public void Open_NewFile_WritesGenesisWithCertificate()
    {
        using var s = new LedgerScenario();
        using var key = s.SiteKey();

        using (LedgerWriter.Open(s.LedgerPath, key)) { }

        var genesis = LedgerFormat.Parse(Encoding.UTF8.GetBytes(s.Lines().Single()));
        Assert.Equal((0L, LedgerKinds.Genesis, LedgerFormat.GenesisPrevious), (genesis.Sequence, genesis.Kind, genesis.Previous));
        Assert.Equal("site-a", genesis.Genesis!.Site);
        Assert.Contains("BEGIN CERTIFICATE", genesis.Genesis.CertificatePem);
    }

    [Fact]
    public void Append_ReturnsOnlyWhenTheLineIsInTheFile()
    {
        using var s = new LedgerScenario();
        using var key = s.SiteKey();
        using var writer = LedgerWriter.Open(s.LedgerPath, key);

        var written = writer.Append(new LedgerRecord { Kind = LedgerKinds.Join, Decision = LedgerFormat.Sent });

        // A separate reader (as another process would) sees the complete line right away.
        using var reader = new FileStream(s.LedgerPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var text = new StreamReader(reader).ReadToEnd();
        Assert.EndsWith("\n", text);
        Assert.Contains($"\"seq\":1,", text.Split('\n')[1]);
        Assert.Equal(1, written.Sequence);
        Assert.NotNull(written.Signature);
    }

    [Fact]
    public void Open_Existing_ContinuesTheChain()
    {
        using var s = new LedgerScenario();
        s.Write(1);

        s.Write(1);

        var result = s.Verify();
        Assert.True(result.IsValid, result.Failure?.ToString());
        Assert.Equal(11, result.Records);
    }

    [Fact]
    public void Open_TornLastLine_MovesItAsideAndRecordsIt()
    {
        using var s = new LedgerScenario();
        s.Write(1);
        var torn = Encoding.UTF8.GetBytes("{\"v\":1,\"seq\":6,\"time\":17");
        using (var f = new FileStream(s.LedgerPath, FileMode.Append)) f.Write(torn);

        LedgerTorn? recovered;
        using (var key = s.SiteKey())
        using (var writer = LedgerWriter.Open(s.LedgerPath, key))
            recovered = writer.RecoveredTornTail;

        Assert.NotNull(recovered);
        Assert.Equal(torn, File.ReadAllBytes(Path.Combine(s.Folder.Path, recovered.File)));
        var last = LedgerFormat.Parse(Encoding.UTF8.GetBytes(s.Lines()[^1]));
        Assert.Equal((6L, LedgerKinds.TornTail, torn.LongLength), (last.Sequence, last.Kind, last.Torn!.Bytes));
        var result = s.Verify();
        Assert.True(result.IsValid, result.Failure?.ToString());
        Assert.Contains(result.Warnings, w => w.Contains(recovered.File));
    }

    [Fact]
    public void Open_TornGenesis_StartsAfreshAndKeepsTheBytes()
    {
        using var s = new LedgerScenario();
        File.WriteAllText(s.LedgerPath, "{\"v\":1,\"se");

        using (var key = s.SiteKey())
        using (var writer = LedgerWriter.Open(s.LedgerPath, key))
            Assert.NotNull(writer.RecoveredTornTail);

        Assert.Equal([LedgerKinds.Genesis, LedgerKinds.TornTail], s.Lines().Select(l => LedgerFormat.Parse(Encoding.UTF8.GetBytes(l)).Kind));
        Assert.Single(Directory.GetFiles(s.Folder.Path, "ledger.jsonl.torn-*"));
    }

    [Fact]
    public void Open_LastCompleteLineDamaged_RefusesWithAdvice()
    {
        using var s = new LedgerScenario();
        s.Write(1);
        File.AppendAllText(s.LedgerPath, "not json\n");
        using var key = s.SiteKey();

        var ex = Assert.Throws<LedgerCorruptException>(() => LedgerWriter.Open(s.LedgerPath, key));

        Assert.Contains("move it aside", ex.Message);
        Assert.EndsWith("not json\n", File.ReadAllText(s.LedgerPath));
    }

    [Fact]
    public void Open_LedgerOfAnotherKey_Refuses()
    {
        using var s = new LedgerScenario();
        s.Write(1);
        using var other = LedgerSigningKey.LoadOrCreateDevelopmentKey(s.Folder.File("dev.pem"), "site-a");

        var ex = Assert.Throws<LedgerCorruptException>(() => LedgerWriter.Open(s.LedgerPath, other));

        Assert.Contains("another signing key", ex.Message);
    }

    [Fact]
    public void Open_WhileAnotherWriterHoldsIt_Fails()
    {
        using var s = new LedgerScenario();
        using var key = s.SiteKey();
        using var first = LedgerWriter.Open(s.LedgerPath, key);

        Assert.ThrowsAny<IOException>(() => LedgerWriter.Open(s.LedgerPath, key));
    }
}
