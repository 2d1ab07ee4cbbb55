using System.Security.Cryptography;
using FedTransfer.Contracts;
using FedTransfer.Contracts.V1;
using FedTransfer.Site.Egress;
using Grpc.Core;
using Grpc.Net.Client;
using Google.Protobuf;
using FederationGrpc = FedTransfer.Contracts.V1.Federation;

namespace FedTransfer.Cli.Commands;

/// <summary>A site for bench-rounds: joins, and per train task optionally downloads the global adapter, then pushes its fixed delta.</summary>
internal sealed class SimulatedSite : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly FederationGrpc.FederationClient _client;
    private readonly string _session;
    private readonly long _examples;
    private readonly byte[] _delta;
    private readonly string _deltaSha;
    private readonly bool _fetch;
    private readonly RoundTimeline _timeline;

    private SimulatedSite(GrpcChannel channel, string session, long examples, byte[] delta, bool fetch, RoundTimeline timeline)
    {
        _timeline = timeline;
        _channel = channel;
        _client = new FederationGrpc.FederationClient(channel);
        _session = session;
        _examples = examples;
        _delta = delta;
        _deltaSha = Convert.ToHexStringLower(SHA256.HashData(delta));
        _fetch = fetch;
    }

    /// <summary>Each simulated site has a channel (a connection) of its own, as real sites do.</summary>
    public static async Task<SimulatedSite> JoinAsync(Uri coordinator, string name, long examples, byte[] delta, bool fetch, RoundTimeline timeline, CancellationToken ct)
    {
        var channel = CoordinatorChannel.Open(coordinator);
        var joined = await new FederationGrpc.FederationClient(channel).JoinAsync(new JoinRequest
        {
            DisplayName = name, SoftwareVersion = "bench", Device = new DeviceInfo { Device = "cpu" },
            ExampleCounts = new ExampleCounts { Train = examples, Validation = 10 },
        }, Within(TimeSpan.FromSeconds(30), ct));
        return new SimulatedSite(channel, joined.SessionId, examples, delta, fetch, timeline);
    }

    private static CallOptions Within(TimeSpan timeout, CancellationToken ct) => new(deadline: DateTime.UtcNow + timeout, cancellationToken: ct);

    /// <summary>Serves tasks until the coordinator says stop.</summary>
    public async Task WorkAsync(CancellationToken ct)
    {
        while (true)
        {
            var answer = await _client.PullTaskAsync(new PullTaskRequest { SessionId = _session, MaxWaitMs = 1000 }, Within(TimeSpan.FromSeconds(30), ct));
            switch (answer.InstructionCase)
            {
                case PullTaskResponse.InstructionOneofCase.Stop:
                    return;
                case PullTaskResponse.InstructionOneofCase.Train:
                    var task = answer.Train;
                    _timeline.TaskTaken(task.Round);
                    if (_fetch)
                    {
                        await FetchAsync(task.GlobalAdapter.Digest, ct);
                        _timeline.Fetched(task.Round);
                    }
                    await ClientStreaming.SendAsync(_client.PushResult(Within(TimeSpan.FromMinutes(10), ct)), Result(task), ct);
                    _timeline.Receipted(task.Round);
                    break;
                case PullTaskResponse.InstructionOneofCase.Wait when answer.Wait.RetryAfterMs > 0:
                    await Task.Delay(answer.Wait.RetryAfterMs, ct);
                    break;
            }
        }
    }

    private async Task FetchAsync(string digest, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var call = _client.FetchArtifact(new FetchArtifactRequest { Digest = digest, SessionId = _session }, Within(TimeSpan.FromMinutes(10), ct));
        await foreach (var chunk in call.ResponseStream.ReadAllAsync(ct))
            hash.AppendData(chunk.Data.Span);
        if (Convert.ToHexStringLower(hash.GetHashAndReset()) != digest) throw new InvalidDataException($"artifact {digest} arrived corrupted");
    }

    private async IAsyncEnumerable<PushResultRequest> Result(TrainTask task)
    {
        var header = new ResultHeader
        {
            SessionId = _session, TaskId = task.TaskId, Round = task.Round, ExampleCount = _examples,
            PayloadEncoding = PayloadEncoding.Safetensors, PayloadTotalBytes = _delta.Length, PayloadSha256 = _deltaSha,
        };
        header.Metrics["train_loss"] = 1.0 / task.Round;
        yield return new PushResultRequest { Header = header };
        for (var offset = 0; offset < _delta.Length; offset += 1 << 20)
            yield return new PushResultRequest { Chunk = UnsafeByteOperations.UnsafeWrap(_delta.AsMemory(offset, Math.Min(1 << 20, _delta.Length - offset))) };
        await Task.CompletedTask;
    }

    public void Dispose() => _channel.Dispose();
}
