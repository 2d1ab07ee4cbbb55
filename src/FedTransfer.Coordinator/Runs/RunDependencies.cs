using FedTransfer.Coordinator.Artifacts;
using FedTransfer.Coordinator.Persistence;
using FedTransfer.Coordinator.Sites;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FedTransfer.Coordinator.Runs;

/// <summary>The services a run's driver works with, gathered so drivers can be created per run.</summary>
internal sealed class RunDependencies(
    RunStore runs, TaskStore tasks, CatalogStore catalog, SiteDirectory sites, TaskMailbox mailbox,
    RunEventHub events, ArtifactStore artifacts, UpdateFiles updates, IOptions<CoordinatorOptions> options, TimeProvider clock, ILoggerFactory loggers)
{
    public RunStore Runs { get; } = runs;
    public TaskStore Tasks { get; } = tasks;
    public CatalogStore Catalog { get; } = catalog;
    public SiteDirectory Sites { get; } = sites;
    public TaskMailbox Mailbox { get; } = mailbox;
    public RunEventHub Events { get; } = events;
    public ArtifactStore Artifacts { get; } = artifacts;
    public UpdateFiles Updates { get; } = updates;
    public CoordinatorOptions Options => options.Value;
    public TimeProvider Clock { get; } = clock;
    public ILoggerFactory Loggers { get; } = loggers;

    public long NowMs => Clock.GetUtcNow().ToUnixTimeMilliseconds();
}
