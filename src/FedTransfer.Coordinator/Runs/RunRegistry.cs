using System.Collections.Concurrent;
using FedTransfer.Coordinator.Artifacts;
using FedTransfer.Coordinator.Persistence;

namespace FedTransfer.Coordinator.Runs;

/// <summary>The loaded context of each run, shared by its driver and by result intake.</summary>
internal sealed class RunRegistry(RunStore runs, CatalogStore catalog, ArtifactStore artifacts)
{
    private readonly ConcurrentDictionary<string, Lazy<RunContext>> _contexts = new(StringComparer.Ordinal);

    /// <summary>The context of <paramref name="runId"/>, loaded on first use.</summary>
    /// <exception cref="KeyNotFoundException">No such run.</exception>
    public RunContext Get(string runId) => _contexts.GetOrAdd(runId, id => new Lazy<RunContext>(() =>
    {
        var row = runs.Find(id) ?? throw new KeyNotFoundException($"no run {id}");
        return RunContext.Load(row, catalog, artifacts);
    })).Value;
}
