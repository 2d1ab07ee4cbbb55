using FedTransfer.Coordinator.Persistence;
using FedTransfer.Federation.Rounds;
using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Updates;

namespace FedTransfer.Coordinator.Runs;

/// <summary>
/// A round accepting results: its state machine and (for train rounds) the streaming accumulator. Results are applied
/// inside <see cref="EnterAsync"/> one at a time, so the accumulator never sees two sites at once and nothing is added
/// after the round closes. The gate is awaited, not blocked on: many sites finishing together must not tie up the
/// thread pool the server needs to keep receiving their uploads. The driver waits on <see cref="Changed"/>.
/// </summary>
internal sealed class ActiveRound(string runId, int round, string kind, RoundStateMachine machine, ITrainAccumulator? accumulator, long startedMs)
{
    private readonly Dictionary<string, (string Outcome, string Reason)> _outcomes = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly SemaphoreSlim _gate = new(1, 1);
    public string RunId { get; } = runId;
    public int Round { get; } = round;
    public string Kind { get; } = kind;
    public long StartedMs { get; } = startedMs;
    public RoundStateMachine Machine { get; } = machine;
    public ITrainAccumulator? Accumulator { get; set; } = accumulator;

    /// <summary>Set when adding a stored update failed midway: the driver rebuilds the accumulator from the stored updates.</summary>
    public bool AccumulatorFaulted { get; private set; }

    /// <summary>The error that faulted the accumulator, for the log.</summary>
    public Exception? AccumulatorError { get; private set; }

    /// <summary>
    /// Applies one site's verdict: a rejection counts as an answer without a result; a valid result counts and (train)
    /// joins the aggregate, unless the round already closed (late). A second verdict for the same site returns the first.
    /// Call inside <see cref="EnterAsync"/>.
    /// </summary>
    public (string Outcome, string Reason) Apply(string siteId, UpdateCheck check, Func<SiteTrainResult>? trainResult)
    {
        if (_outcomes.TryGetValue(siteId, out var prior)) return prior;
        (string, string) outcome;
        if (!check.IsValid)
        {
            Machine.RecordFailure(siteId, check.Reason!);
            outcome = (RowValues.Rejected, check.Reason!);
        }
        else
        {
            var disposition = Machine.RecordResult(siteId);
            outcome = disposition switch
            {
                ResultDisposition.Counted => (RowValues.Accepted, ""),
                ResultDisposition.Late => (RowValues.Late, $"round {Round} had already closed; the result is recorded but not used"),
                _ => (RowValues.Rejected, $"site {siteId} was not sampled for round {Round}"),
            };
            if (disposition == ResultDisposition.Counted && Accumulator is not null && trainResult is not null && !AccumulatorFaulted)
            {
                try
                {
                    Accumulator.Add(trainResult());
                }
                catch (Exception e) when (e is IOException or InvalidOperationException or FormatException)
                {
                    AccumulatorFaulted = true;
                    AccumulatorError = e;
                }
            }
        }
        if (outcome.Item1 != RowValues.Late) _outcomes[siteId] = outcome;
        Signal();
        return outcome;
    }

    /// <summary>Waits for exclusive use of the round; dispose the result to leave.</summary>
    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Exit(_gate);
    }

    private sealed class Exit(SemaphoreSlim gate) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) gate.Release();
        }
    }

    /// <summary>Wakes the driver.</summary>
    public void Signal() => Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>
    /// Completes at the next <see cref="Signal"/>. Take it before checking the round's phase, so a result that lands
    /// between the check and the wait is not missed.
    /// </summary>
    public Task Changed => Volatile.Read(ref _changed).Task;
}
