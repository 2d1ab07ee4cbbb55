using System.Text;
using FedTransfer.Contracts.V1;
using FedTransfer.Federation.Ledger;
using FedTransfer.Federation.Privacy;
using FedTransfer.Site.Artifacts;
using FedTransfer.Site.Configuration;
using FedTransfer.Site.Egress;
using FedTransfer.Site.Ledger;
using FedTransfer.Site.Policy;
using FedTransfer.Site.Results;
using FedTransfer.Site.Tests.Support;
using FedTransfer.Site.Worker;
using FedTransfer.Weights.Adapters;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedTransfer.Site.Tests.Worker;

public sealed class SitePrivacyBudgetTests : IDisposable
{
    private static readonly PrivacyParameters Noise = new(0.1, 2.0);
    private readonly TempDirectory _dir = new();

    private static Task Rejoin(CancellationToken _) => Task.CompletedTask;

    private static SitePolicy Policy(double maxEpsilon, bool amplify = false) =>
        new([new FederationRule(TestTasks.BackboneDigest, AdapterSpec.Parse("lora:r=2"), null, null, null)], 0, Noise,
            new PrivacyBudget(maxEpsilon, 1e-5, amplify));

    private static TrainTask TrainTaskFor(int round, double samplingRate = 0)
    {
        var task = TestTasks.Train($"task-{round}", round);
        task.SiteSamplingRate = samplingRate;
        return task;
    }

    private static string Federation => LedgerFormat.FederationOf("lora:r=2", TestTasks.BackboneDigest);

    // The site's parts over a real ledger in _dir (so a second rig on the same folder is the site after a restart).
    private sealed class LedgeredSite : IDisposable
    {
        public LedgeredSite(string directory, SitePolicy policy)
        {
            Transport.Artifacts[TestTasks.BackboneDigest] = "backbone"u8.ToArray();
            Transport.Artifacts[TestTasks.AdapterDigest] = "adapter"u8.ToArray();
            Ledger = SiteLedger.Open(new SiteOptions { DisplayName = "clinic-a", DataDirectory = directory, CoordinatorUrl = "http://127.0.0.1:7070" },
                NullLogger<SiteLedger>.Instance);
            Gateway = new EgressGateway(Transport, NullLogger.Instance,
                () => new ReconnectBackoff(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(4), new Random(1)), policy: policy, ledger: Ledger);
            Runner = new SiteTaskRunner(Gateway, new ArtifactCache(Path.Combine(directory, "cache", "artifacts"), Gateway, NullLogger.Instance),
                new FakeTrainer(), new ReceiptStore(Path.Combine(directory, "cache")), new ListLogger<SiteTaskRunner>(), policy, GaussianNoise.Seeded(3));
        }

        public FakeTransport Transport { get; } = new();
        public SiteLedger Ledger { get; }
        public EgressGateway Gateway { get; }
        public SiteTaskRunner Runner { get; }

        public async Task TrainAsync(TrainTask task)
        {
            if (Gateway.SessionId is null) await Gateway.JoinAsync(TestTasks.Join(), TimeSpan.FromSeconds(5), CancellationToken.None);
            Transport.PullAnswers.Enqueue(_ => TestTasks.AsInstruction(task));
            await Gateway.PullTaskAsync(new PullTaskRequest { SessionId = Gateway.SessionId! }, TimeSpan.FromSeconds(5), CancellationToken.None);
            await Runner.RunTrainAsync(task, Rejoin, CancellationToken.None);
        }

        public List<LedgerRecord> Pushes()
        {
            using var stream = new FileStream(Ledger.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return new StreamReader(stream).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => LedgerFormat.Parse(Encoding.UTF8.GetBytes(l))).Where(r => r.Kind == LedgerKinds.Push).ToList();
        }

        public void Dispose()
        {
            Gateway.Dispose();
            Ledger.Dispose();
        }
    }

    [Fact]
    public async Task BudgetForTwoRounds_ThirdTaskIsDeclined_AndEveryRoundsEpsilonIsInTheLedgerAndVerifies()
    {
        var two = RdpAccountant.EpsilonAfter(1.0, Noise.NoiseMultiplier, 2, 1e-5);
        var three = RdpAccountant.EpsilonAfter(1.0, Noise.NoiseMultiplier, 3, 1e-5);
        using var site = new LedgeredSite(_dir.Path, Policy((two + three) / 2));

        for (var round = 1; round <= 3; round++) await site.TrainAsync(TrainTaskFor(round, samplingRate: 0.1));

        var pushed = site.Transport.Pushes;
        Assert.Equal(3, pushed.Count);
        Assert.All(pushed.Take(2), p => Assert.Equal(DeclineReason.Unspecified, p.Header.Declined));
        Assert.Equal(DeclineReason.PrivacyBudgetExhausted, pushed[2].Header.Declined);
        Assert.Empty(pushed[2].Payload);
        var records = site.Pushes();
        Assert.Equal([1, 2], records.Take(2).Select(r => r.Privacy!.Rounds!.Value));
        // amplifyBySampling is off: the coordinator's stated 0.1 is not used, every round is accounted at q = 1.
        Assert.All(records.Take(2), r => Assert.Equal(1.0, r.Privacy!.SamplingRate));
        Assert.Equal(RdpAccountant.EpsilonAfter(1.0, Noise.NoiseMultiplier, 1, 1e-5), records[0].Privacy!.Epsilon!.Value, 12);
        Assert.Equal(two, records[1].Privacy!.Epsilon!.Value, 12);
        Assert.Equal("PrivacyBudgetExhausted", records[2].Declined);
        Assert.Null(records[2].Privacy);
        var verification = new LedgerVerifier(null).Verify(site.Ledger.Path);
        Assert.True(verification.IsValid, verification.Failure?.ToString());
        Assert.Equal(two, verification.PrivacySpent[Federation], 12);
        var (code, output) = await FedTransfer.Tests.Shared.IndependentVerifier.RunAsync(site.Ledger.Path);
        Assert.True(code == 0, output);
    }

    [Fact]
    public async Task SiteRestarted_BudgetIsRebuiltFromTheLedger_AndStaysSpent()
    {
        var one = RdpAccountant.EpsilonAfter(1.0, Noise.NoiseMultiplier, 1, 1e-5);
        var two = RdpAccountant.EpsilonAfter(1.0, Noise.NoiseMultiplier, 2, 1e-5);
        var policy = Policy((one + two) / 2);
        using (var first = new LedgeredSite(_dir.Path, policy)) await first.TrainAsync(TrainTaskFor(1));

        using var restarted = new LedgeredSite(_dir.Path, policy);
        await restarted.TrainAsync(TrainTaskFor(2));

        Assert.Equal(1, restarted.Ledger.Privacy.Rounds(Federation));
        Assert.Equal(DeclineReason.PrivacyBudgetExhausted, Assert.Single(restarted.Transport.Pushes).Header.Declined);
    }

    [Fact]
    public async Task AmplifyBySampling_AccountsAtTheTasksSamplingRate()
    {
        using var site = new LedgeredSite(_dir.Path, Policy(8, amplify: true));

        await site.TrainAsync(TrainTaskFor(1, samplingRate: 0.2));

        var privacy = Assert.Single(site.Pushes()).Privacy!;
        Assert.Equal(0.2, privacy.SamplingRate);
        Assert.Equal(RdpAccountant.EpsilonAfter(0.2, Noise.NoiseMultiplier, 1, 1e-5), privacy.Epsilon!.Value, 12);
    }

    [Fact]
    public async Task AResultRecordingAWrongEpsilon_IsAFindingOfTheVerifier()
    {
        // A site (or anyone who could re-sign its ledger) that records less spending than its parameters give.
        using var site = new LedgeredSite(_dir.Path, Policy(8));
        await site.Gateway.JoinAsync(TestTasks.Join(), TimeSpan.FromSeconds(5), CancellationToken.None);
        site.Transport.PullAnswers.Enqueue(_ => TestTasks.AsInstruction(TrainTaskFor(1)));
        await site.Gateway.PullTaskAsync(new PullTaskRequest { SessionId = site.Gateway.SessionId! }, TimeSpan.FromSeconds(5), CancellationToken.None);
        var honest = RdpAccountant.EpsilonAfter(1.0, Noise.NoiseMultiplier, 1, 1e-5);
        var header = TestTasks.Header("task-1", 1, site.Gateway.SessionId!);
        header.ExampleCount = 40;
        await site.Gateway.PushResultAsync(header, TestTasks.Payload(TestTasks.Delta()), CancellationToken.None,
            new LocalPrivacyApplied(Noise.ClipNorm, Noise.NoiseMultiplier, 3.0, new PrivacySpend(1.0, 1e-5, 1, honest / 2)));

        var verification = new LedgerVerifier(null).Verify(site.Ledger.Path);

        Assert.False(verification.IsValid);
        Assert.Contains("records epsilon", verification.Failure!.Reason);
        Assert.Contains("recorded parameters give", verification.Failure.Reason);
        Assert.Throws<InvalidDataException>(() => SitePrivacyAccount.FromLedger(site.Ledger.Path));
    }

    public void Dispose() => _dir.Dispose();
}
