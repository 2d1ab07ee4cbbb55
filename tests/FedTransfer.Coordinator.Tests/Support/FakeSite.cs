using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using FedTransfer.Contracts;
using FedTransfer.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Google.Protobuf;

namespace FedTransfer.Coordinator.Tests.Support;

/// <summary>A site that skips training: it joins, pulls tasks, fetches artifacts and pushes whatever delta a test hands it.</summary>
internal sealed class FakeSite : IDisposable
{
    private readonly GrpcChannel _channel;

    private FakeSite(GrpcChannel channel, string name, JoinResponse joined)
    {
        _channel = channel;
        Name = name;
        SiteId = joined.SiteId;
        SessionId = joined.SessionId;
    }

    public string Name { get; }
    public string SiteId { get; }
    public string SessionId { get; }

    public static async Task<FakeSite> JoinAsync(Uri address, string name, long trainExamples = 100, long validationExamples = 20,
        GrpcChannel? channel = null)
    {
        channel ??= TestChannels.Open(address);
        try
        {
            var joined = await channel.Federation().JoinAsync(new JoinRequest
            {
                DisplayName = name, SoftwareVersion = "test", Device = new DeviceInfo { Device = "cpu", CpuCores = 1 },
                ExampleCounts = new ExampleCounts { Train = trainExamples, Validation = validationExamples },
            }).ResponseAsync;
            return new FakeSite(channel, name, joined);
        }
        catch
        {
            channel.Dispose();
            throw;
        }
    }

    public Task<PullTaskResponse> PullAsync(int maxWaitMs = 2000) =>
        _channel.Federation().PullTaskAsync(new PullTaskRequest { SessionId = SessionId, MaxWaitMs = maxWaitMs }, deadline: DateTime.UtcNow + TimeSpan.FromMilliseconds(maxWaitMs + 10_000)).ResponseAsync;

    /// <summary>Polls until a task of the wanted kind arrives.</summary>
    public async Task<PullTaskResponse> NextTaskAsync(PullTaskResponse.InstructionOneofCase kind, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            var answer = await PullAsync();
            if (answer.InstructionCase == kind) return answer;
        }
        throw new TimeoutException($"{Name} got no {kind} task");
    }

    public async Task<TrainTask> NextTrainAsync() => (await NextTaskAsync(PullTaskResponse.InstructionOneofCase.Train)).Train;

    /// <summary>Downloads an artifact from <paramref name="offset"/> and checks the whole file's SHA-256 when starting from 0.</summary>
    public async Task<byte[]> FetchAsync(string digest, long offset = 0, int chunkSize = 0)
    {
        using var buffer = new MemoryStream();
        long expectedOffset = offset;
        await foreach (var chunk in _channel.Federation().FetchArtifact(new FetchArtifactRequest { Digest = digest, Offset = offset, ChunkSizeBytes = chunkSize, SessionId = SessionId }).ResponseStream.ReadAllAsync())
        {
            Assert.Equal(expectedOffset, chunk.Offset);
            chunk.Data.WriteTo(buffer);
            expectedOffset += chunk.Data.Length;
        }
        var bytes = buffer.ToArray();
        if (offset == 0) Assert.Equal(digest, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        return bytes;
    }

    public Task<Receipt> PushAsync(string taskId, int round, long examples, byte[]? payload, IReadOnlyDictionary<string, double>? metrics = null,
        int chunkSize = 64 * 1024, string? declaredSha = null, UpdateEncoding encoding = UpdateEncoding.Float32,
        DeclineReason declined = DeclineReason.Unspecified) =>
        PushAsync(taskId, round, examples, payload, metrics, chunkSize, declaredSha, beforeChunk: null, encoding, declined);

    /// <summary>Like the other overload; <paramref name="beforeChunk"/> (given the chunk's index) is awaited before each chunk is sent.</summary>
    public Task<Receipt> PushAsync(string taskId, int round, long examples, byte[]? payload, IReadOnlyDictionary<string, double>? metrics,
        int chunkSize, string? declaredSha, Func<int, Task>? beforeChunk, UpdateEncoding encoding = UpdateEncoding.Float32,
        DeclineReason declined = DeclineReason.Unspecified)
    {
        var header = new ResultHeader
        {
            Declined = declined,
            SessionId = SessionId, TaskId = taskId, Round = round, ExampleCount = examples, UpdateEncoding = encoding,
            PayloadEncoding = payload is null ? PayloadEncoding.None : PayloadEncoding.Safetensors,
            PayloadTotalBytes = payload?.Length ?? 0,
            PayloadSha256 = payload is null ? "" : declaredSha ?? Convert.ToHexStringLower(SHA256.HashData(payload)),
        };
        foreach (var (k, v) in metrics ?? new Dictionary<string, double>()) header.Metrics[k] = v;
        return ClientStreaming.SendAsync(_channel.Federation().PushResult(), Messages(header, payload, chunkSize, beforeChunk));
    }

    private static async IAsyncEnumerable<PushResultRequest> Messages(ResultHeader header, byte[]? payload, int chunkSize, Func<int, Task>? beforeChunk,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        yield return new PushResultRequest { Header = header };
        for (var (offset, index) = (0, 0); payload is not null && offset < payload.Length; offset += chunkSize, index++)
        {
            if (beforeChunk is not null) await beforeChunk(index);
            yield return new PushResultRequest { Chunk = ByteString.CopyFrom(payload, offset, Math.Min(chunkSize, payload.Length - offset)) };
        }
        await Task.CompletedTask;
    }

    public void Dispose() => _channel.Dispose();
}
