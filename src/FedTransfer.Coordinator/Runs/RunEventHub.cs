using System.Collections.Concurrent;
using System.Threading.Channels;
using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Persistence;
using Google.Protobuf;
using Microsoft.Data.Sqlite;

namespace FedTransfer.Coordinator.Runs;

/// <summary>
/// Appends run events to the persistent log (numbering them) and fans them out to live watchers. Watchers subscribe
/// before replaying the log, then skip what they already replayed, so no event is missed or shown twice.
/// </summary>
internal sealed class RunEventHub(EventStore store, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Channel<RunEvent>, byte>> _watchers = new(StringComparer.Ordinal);
    private readonly object _appendGate = new();

    /// <summary>Records and broadcasts an event; <paramref name="fill"/> sets its oneof; <paramref name="alongside"/> commits with it.</summary>
    public RunEvent Publish(string runId, Action<RunEvent> fill, Action<SqliteConnection, SqliteTransaction>? alongside = null)
    {
        var e = new RunEvent { RunId = runId, TimeUnixMs = clock.GetUtcNow().ToUnixTimeMilliseconds() };
        fill(e);
        // One append at a time keeps live delivery in sequence order.
        lock (_appendGate)
        {
            e.Sequence = store.Append(runId, e.TimeUnixMs, seq =>
            {
                e.Sequence = seq;
                return e.ToByteArray();
            }, alongside);
            if (_watchers.TryGetValue(runId, out var channels))
            {
                foreach (var channel in channels.Keys) channel.Writer.TryWrite(e);
            }
        }
        return e;
    }

    /// <summary>Events already logged after <paramref name="afterSequence"/>.</summary>
    public IEnumerable<RunEvent> Replay(string runId, long afterSequence) =>
        store.After(runId, afterSequence).Select(p => RunEvent.Parser.ParseFrom(p.Payload));

    /// <summary>Starts receiving live events of a run; dispose the subscription to stop.</summary>
    public Subscription Subscribe(string runId)
    {
        var channel = Channel.CreateUnbounded<RunEvent>(new UnboundedChannelOptions { SingleReader = true });
        _watchers.GetOrAdd(runId, _ => new()).TryAdd(channel, 0);
        return new Subscription(channel.Reader, () =>
        {
            if (_watchers.TryGetValue(runId, out var channels)) channels.TryRemove(channel, out _);
            channel.Writer.TryComplete();
        });
    }

    /// <summary>A live feed of one run's events.</summary>
    public sealed class Subscription(ChannelReader<RunEvent> reader, Action dispose) : IDisposable
    {
        public ChannelReader<RunEvent> Reader { get; } = reader;

        public void Dispose() => dispose();
    }
}
