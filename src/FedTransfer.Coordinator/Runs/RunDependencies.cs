using FedTransfer.Coordinator.Artifacts;
using FedTransfer.Coordinator.Persistence;
using FedTransfer.Coordinator.Sites;
using Microsoft.Extensions.Logging;

namespace FedTransfer.Coordinator.Runs;

/// <summary>The services a run's driver works with, gathered so drivers can be created per run.</summary>
internal sealed class RunDependencies(
    RunStore runs, TaskStore tasks, CatalogStore catalog, SiteDirectory sites, TaskMailbox mailbox,
    RunEventHub events, ArtifactStore artifacts, TimeProvider clock, ILoggerFactory loggers)
{
    public RunStore Runs { get; } = runs;
    public TaskStore Tasks { get; } = tasks;
    public CatalogStore Catalog { get; } = catalog;
    public SiteDirectory Sites { get; } = sites;
    public TaskMailbox Mailbox { get; } = mailbox;
    public RunEventHub Events { get; } = events;
    public ArtifactStore Artifacts { get; } = artifacts;
    public TimeProvider Clock { get; } = clock;
    public ILoggerFactory Loggers { get; } = loggers;

    public long NowMs => Clock.GetUtcNow().ToUnixTimeMilliseconds();
}
