using System.Security.Cryptography;
using FedTransfer.Rpc.Tests.Interop;
using Google.Protobuf;

namespace FedTransfer.Rpc.Tests.Support;

/// <summary>The C# implementation of fedtransfer.interop.TestService (see Protos/interop_test.proto).</summary>
public sealed class TestService
{
    public const string Name = "fedtransfer.interop.TestService";

    public static readonly Method<EchoRequest, EchoReply> Echo = new(MethodType.Unary, Name, "Echo", EchoRequest.Parser, EchoReply.Parser);
    public static readonly Method<ArtifactRequest, Chunk> Download = new(MethodType.ServerStreaming, Name, "Download", ArtifactRequest.Parser, Chunk.Parser);
    public static readonly Method<Chunk, ArtifactDigest> Upload = new(MethodType.ClientStreaming, Name, "Upload", Chunk.Parser, ArtifactDigest.Parser);
    public static readonly Method<EchoRequest, EchoReply> Chat = new(MethodType.DuplexStreaming, Name, "Chat", EchoRequest.Parser, EchoReply.Parser);

    /// <summary>Completed with the method name when a handler sees its call cancelled.</summary>
    public TaskCompletionSource<string> CancellationObserved { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The exception the handler saw when its call was cancelled.</summary>
    public Exception? CancellationException { get; private set; }

    /// <summary>Completed when an Echo handler starts waiting out its delay_ms.</summary>
    public TaskCompletionSource DelayStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The context of the most recent call, for assertions on what handlers see.</summary>
    public ServerCallContext? LastContext { get; private set; }

    public void Map(GrpcServiceBuilder builder) => builder
        .Unary(Echo, EchoAsync)
        .ServerStreaming(Download, DownloadAsync)
        .ClientStreaming(Upload, UploadAsync)
        .Duplex(Chat, ChatAsync);

    private async Task<EchoReply> EchoAsync(EchoRequest request, ServerCallContext context)
    {
        LastContext = context;
        if (request.Text == "throw")
        {
            throw new InvalidOperationException("handler bug for the test");
        }

        if (request.DelayMs > 0)
        {
            DelayStarted.TrySetResult();
            await WatchCancellation(context, Task.Delay(request.DelayMs, context.CancellationToken)).ConfigureAwait(false);
        }

        if (request.FailCode != 0)
        {
            throw new RpcException((StatusCode)request.FailCode, request.FailMessage);
        }

        return Reply(request, context, 0);
    }

    private async Task DownloadAsync(ArtifactRequest request, IServerStreamWriter<Chunk> writer, ServerCallContext context)
    {
        LastContext = context;
        var chunkSize = request.ChunkSize > 0 ? request.ChunkSize : Artifact.MiB;
        foreach (var (offset, data) in Artifact.Chunks(request.Seed, request.Size, chunkSize))
        {
            if (request.PauseMs > 0)
            {
                await WatchCancellation(context, Task.Delay(request.PauseMs, context.CancellationToken)).ConfigureAwait(false);
            }

            await WatchCancellation(context, writer.WriteAsync(new Chunk { Offset = offset, Data = UnsafeByteOperations.UnsafeWrap(data) })).ConfigureAwait(false);
        }
    }

    private async Task<ArtifactDigest> UploadAsync(IAsyncEnumerable<Chunk> chunks, ServerCallContext context)
    {
        LastContext = context;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size = 0;
        var count = 0;
        var enumerator = chunks.GetAsyncEnumerator();
        while (await WatchCancellation(context, enumerator.MoveNextAsync().AsTask()).ConfigureAwait(false))
        {
            var chunk = enumerator.Current;
            if (chunk.Offset != size)
            {
                throw new RpcException(StatusCode.InvalidArgument, $"chunk {count} starts at offset {chunk.Offset}, expected {size}");
            }

            hash.AppendData(chunk.Data.Span);
            size += chunk.Data.Length;
            count++;
        }

        return new ArtifactDigest { Size = size, Sha256 = Convert.ToHexStringLower(hash.GetHashAndReset()), Chunks = count };
    }

    private async Task ChatAsync(IAsyncEnumerable<EchoRequest> requests, IServerStreamWriter<EchoReply> writer, ServerCallContext context)
    {
        LastContext = context;
        var index = 0;
        await foreach (var request in requests.ConfigureAwait(false))
        {
            if (request.FailCode != 0)
            {
                throw new RpcException((StatusCode)request.FailCode, request.FailMessage);
            }

            await writer.WriteAsync(Reply(request, context, index++)).ConfigureAwait(false);
        }
    }

    private static EchoReply Reply(EchoRequest request, ServerCallContext context, int index)
    {
        var reply = new EchoReply { Text = request.Text, Index = index };
        foreach (var (name, value) in context.RequestHeaders)
        {
            if (name.StartsWith("x-", StringComparison.Ordinal))
            {
                reply.Metadata[name] = value;
            }
        }

        reply.Metadata["peer"] = context.Peer;
        reply.Metadata["deadline"] = context.Deadline is null ? "none" : "set";
        reply.Metadata["user-agent"] = context.RequestHeaders.TryGetValue("user-agent", out var agent) ? agent : string.Empty;
        if (context.ClientCertificate is { } certificate)
        {
            reply.Metadata["client-cert"] = certificate.Subject;
        }

        return reply;
    }

    private async Task WatchCancellation(ServerCallContext context, Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception ex) when (context.CancellationToken.IsCancellationRequested)
        {
            CancellationException ??= ex;
            CancellationObserved.TrySetResult(context.Method);
            throw;
        }
    }

    private async Task<T> WatchCancellation<T>(ServerCallContext context, Task<T> task)
    {
        try
        {
            return await task.ConfigureAwait(false);
        }
        catch (Exception ex) when (context.CancellationToken.IsCancellationRequested)
        {
            CancellationException ??= ex;
            CancellationObserved.TrySetResult(context.Method);
            throw;
        }
    }
}
