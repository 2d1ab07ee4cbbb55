using System.Threading.Channels;
using FedTransfer.Coordinator.Persistence;
using Microsoft.Extensions.Hosting;

namespace FedTransfer.Coordinator.Runs;

/// <summary>
/// Starts a driver for every run that is running: at start-up (resuming runs a previous process left running) and
/// whenever the Admin service starts a new one. At shutdown the drivers stop where they are; the database holds the
/// state a later start resumes from.
/// </summary>
internal sealed class RunOrchestrator(RunStore runs, RunRegistry registry, RunDependencies deps) : BackgroundService
{
    private readonly Channel<string> _started = Channel.CreateUnbounded<string>();
    private readonly HashSet<string> _driving = new(StringComparer.Ordinal);
    private readonly List<Task> _drivers = [];

    /// <summary>Asks for a driver for <paramref name="runId"/> (no-op when one is already running).</summary>
    public void Start(string runId) => _started.Writer.TryWrite(runId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var run in runs.Running()) Launch(run.RunId, stoppingToken);
        try
        {
            await foreach (var runId in _started.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
                Launch(runId, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        await Task.WhenAll(_drivers).ConfigureAwait(false);
    }

    private void Launch(string runId, CancellationToken stoppingToken)
    {
        lock (_driving)
        {
            if (!_driving.Add(runId)) return;
        }
        _drivers.Add(Task.Run(async () =>
        {
            while (true)
            {
                await DriveAsync(runId, stoppingToken).ConfigureAwait(false);
                // Checked and released under the lock Launch takes: a run resumed while this driver was on its way out is
                // driven again here, or found without a driver by Launch; never neither.
                lock (_driving)
                {
                    if (stoppingToken.IsCancellationRequested || runs.Find(runId)?.State != Persistence.RowValues.Running)
                    {
                        _driving.Remove(runId);
                        return;
                    }
                }
            }
        }, CancellationToken.None));
    }

    private async Task DriveAsync(string runId, CancellationToken stoppingToken)
    {
        RunContext context;
        try
        {
            context = registry.Get(runId);
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException)
        {
            // A run whose federation or artifacts are gone cannot go on; say so instead of retrying forever.
            var reason = $"cannot load the run: {e.Message}";
            var now = deps.NowMs;
            deps.Events.Publish(runId, ev => ev.RunFailed = new Contracts.V1.RunFailed { Reason = reason },
                (c, t) => RunStore.Fail(c, t, runId, 0, reason, now));
            return;
        }
        await new RunDriver(context, deps).RunAsync(stoppingToken).ConfigureAwait(false);
    }
}
