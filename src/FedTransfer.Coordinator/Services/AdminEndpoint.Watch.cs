using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Persistence;
using Grpc.Core;

namespace FedTransfer.Coordinator;

/// <summary>WatchRun: the run's logged events, then live ones, until the run finishes or fails.</summary>
internal sealed partial class AdminEndpoint
{
    private async Task WatchAsync(WatchRunRequest request, IServerStreamWriter<RunEvent> writer, CancellationToken ct)
    {
        if (runs.Find(request.RunId) is null) throw new RpcException(new Status(StatusCode.NotFound, $"no run '{request.RunId}'"));
        if (request.AfterSequence < -1) throw Invalid($"after_sequence must be -1 (live only), 0 (everything) or a sequence number, got {request.AfterSequence}");
        // Subscribe before replaying, so events logged in between arrive live; duplicates are skipped by sequence.
        using var subscription = events.Subscribe(request.RunId);
        var last = request.AfterSequence;
        if (last >= 0)
        {
            foreach (var e in events.Replay(request.RunId, last))
            {
                await writer.WriteAsync(e, ct).ConfigureAwait(false);
                last = e.Sequence;
                if (IsTerminal(e)) return;
            }
        }
        if (runs.Find(request.RunId)?.State is not (RowValues.Running or RowValues.Paused))
        {
            // Ended: whatever it logged is in the log; send what came after the replay and stop.
            if (last < 0) return;
            foreach (var e in events.Replay(request.RunId, last))
                await writer.WriteAsync(e, ct).ConfigureAwait(false);
            return;
        }
        await foreach (var e in subscription.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            if (e.Sequence <= last) continue;
            await writer.WriteAsync(e, ct).ConfigureAwait(false);
            last = e.Sequence;
            if (IsTerminal(e)) return;
        }
    }

    private static bool IsTerminal(RunEvent e) => e.EventCase is RunEvent.EventOneofCase.RunFinished or RunEvent.EventOneofCase.RunFailed or RunEvent.EventOneofCase.RunCancelled;
}
