using FedTransfer.Federation.Privacy;
using FedTransfer.Site.Artifacts;
using FedTransfer.Site.Configuration;
using FedTransfer.Site.Egress;
using FedTransfer.Site.Policy;
using FedTransfer.Site.Results;
using FedTransfer.Site.Worker;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedTransfer.Site.Tests.Support;

/// <summary>The site's parts wired to a <see cref="FakeTransport"/> and a <see cref="FakeTrainer"/>, with short delays.</summary>
internal sealed class SiteRig : IDisposable
{
    /// <param name="policy">The site policy the gateway and the runner enforce; null = permissive.</param>
    /// <param name="noiseSeed">Seed of the local-privacy noise (reproducible in tests only).</param>
    public SiteRig(SitePolicy? policy = null, int noiseSeed = 1)
    {
        Transport.Artifacts[TestTasks.BackboneDigest] = "backbone"u8.ToArray();
        Transport.Artifacts[TestTasks.AdapterDigest] = "adapter"u8.ToArray();
        Options = new SiteOptions
        {
            DisplayName = "clinic-a", DataDirectory = Dir.Path, PollMaxWaitMs = 100,
            ReconnectInitialDelayMs = 20, ReconnectMaxDelayMs = 80, FetchChunkBytes = 4096,
        };
        Gateway = TestTasks.Gateway(Transport, policy);
        Receipts = new ReceiptStore(Dir.Combine("cache"));
        Runner = new SiteTaskRunner(Gateway, new ArtifactCache(Dir.Combine("cache", "artifacts"), Gateway, NullLogger.Instance),
            Trainer, Receipts, RunnerLog, policy, GaussianNoise.Seeded(noiseSeed));
    }

    public TempDirectory Dir { get; } = new();
    public FakeTransport Transport { get; } = new();
    public FakeTrainer Trainer { get; } = new();
    public FakeLifetime Lifetime { get; } = new();
    public SiteOptions Options { get; }
    public EgressGateway Gateway { get; }
    public ReceiptStore Receipts { get; }
    public SiteTaskRunner Runner { get; }

    public ListLogger<SiteWorker> WorkerLog { get; } = new();
    public ListLogger<SiteTaskRunner> RunnerLog { get; } = new();

    public SiteWorker Worker() => new(Gateway, Runner, Trainer, Microsoft.Extensions.Options.Options.Create(Options), Lifetime,
        WorkerLog, new Random(5));

    /// <summary>Joins through the gateway, as the worker does before running tasks.</summary>
    public Task JoinAsync() => Gateway.JoinAsync(TestTasks.Join(), TimeSpan.FromSeconds(5), CancellationToken.None);

    /// <summary>Makes the gateway see a task arrive, as PullTask would.</summary>
    public async Task ReceiveAsync(Contracts.V1.PullTaskResponse instruction)
    {
        Transport.PullAnswers.Enqueue(_ => instruction);
        await Gateway.PullTaskAsync(new Contracts.V1.PullTaskRequest { SessionId = Gateway.SessionId! }, TimeSpan.FromSeconds(5), CancellationToken.None);
    }

    public void Dispose()
    {
        Gateway.Dispose();
        Dir.Dispose();
    }
}
