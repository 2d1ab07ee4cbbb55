using FedTransfer.Contracts.V1;
using FedTransfer.Federation.Ledger;
using FedTransfer.Site.Configuration;
using FedTransfer.Site.Egress;
using FedTransfer.Site.Ledger;
using FedTransfer.Site.Tests.Support;
using FedTransfer.Site.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedTransfer.Site.Tests.Ledger;

/// <summary>A site whose ledger tail is broken sends nothing, leaves the file as it is and says what to do.</summary>
public sealed class SiteLedgerTailTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly TempDirectory _dir = new();

    private SiteOptions Options() => new() { DisplayName = "clinic-a", DataDirectory = _dir.Path, CoordinatorUrl = "http://127.0.0.1:7070" };

    private static EgressGateway Gateway(FakeTransport transport, SiteLedger ledger) =>
        new(transport, NullLogger.Instance, () => new ReconnectBackoff(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(4), new Random(1)), ledger: ledger);

    [Fact]
    public void Open_ForgedLastLine_Refuses_AndLeavesTheFileUntouched()
    {
        var options = Options();
        using (var ledger = SiteLedger.Open(options, NullLogger<SiteLedger>.Instance)) { }
        var path = options.ResolveLedgerFile();
        var genesis = File.ReadAllText(path);
        // A second, well-formed record carrying the genesis signature: the chain would accept its position, the key does not.
        File.AppendAllText(path, genesis.Replace("\"seq\":0", "\"seq\":1").Replace("\"kind\":\"genesis\"", "\"kind\":\"pull\""));
        var before = File.ReadAllBytes(path);

        var ex = Assert.Throws<LedgerCorruptException>(() => SiteLedger.Open(options, NullLogger<SiteLedger>.Instance));

        Assert.Contains("does not verify", ex.Message);
        Assert.Contains("fedtransfer audit verify", ex.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task LedgerChangedWhileRunning_NothingMoreLeaves_AndTheFaultIsReportedOnce()
    {
        var log = new ListLogger<SiteLedger>();
        using var ledger = SiteLedger.Open(Options(), log);
        var fake = new FakeTransport();
        fake.PullAnswers.Enqueue(_ => TestTasks.AsInstruction(TestTasks.Train()));
        using var gateway = Gateway(fake, ledger);
        await gateway.JoinAsync(TestTasks.Join(), Timeout, CancellationToken.None);
        await gateway.PullTaskAsync(new PullTaskRequest { SessionId = "session-1" }, Timeout, CancellationToken.None);
        File.AppendAllText(ledger.Path, "{\"v\":1,\"seq\":99}\n");
        var before = File.ReadAllBytes(ledger.Path);

        var push = await Assert.ThrowsAsync<EgressRefusedException>(() =>
            gateway.PushResultAsync(TestTasks.Header(), TestTasks.Payload(TestTasks.Delta()), CancellationToken.None));
        await Assert.ThrowsAsync<EgressRefusedException>(() =>
            gateway.PullTaskAsync(new PullTaskRequest { SessionId = "session-1" }, Timeout, CancellationToken.None));

        Assert.Contains("changed, cut or replaced", push.Reason);
        Assert.Empty(fake.Pushes);
        Assert.Single(fake.Pulls);
        Assert.Equal(before, File.ReadAllBytes(ledger.Path));
        var critical = Assert.Single(log.Entries, e => e.Level == LogLevel.Critical);
        Assert.Contains("move it aside", critical.Message);
    }

    public void Dispose() => _dir.Dispose();
}
