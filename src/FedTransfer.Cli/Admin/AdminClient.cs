using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using FedTransfer.Contracts;
using FedTransfer.Contracts.V1;
using FedTransfer.Rpc;
using Google.Protobuf;

namespace FedTransfer.Cli.Admin;

/// <summary>
/// The central team's side of the Admin service: uploads and downloads artifacts in chunks,
/// creates federations, starts and watches runs. One instance per coordinator connection.
/// </summary>
internal sealed class AdminClient : IDisposable
{
    /// <summary>Bytes per upload chunk: well under the 4 MiB default message limit.</summary>
    public const int ChunkBytes = 1 << 20;

    private readonly GrpcChannel _channel;

    public AdminClient(GrpcChannel channel) => _channel = channel;

    public static AdminClient Connect(CoordinatorConnection connection) => new(connection.OpenChannel());

    /// <summary>Streams a file to the coordinator's artifact store; the digest is computed first so the server can verify it.</summary>
    public async Task<ArtifactRef> UploadFileAsync(string path, string mediaType, CancellationToken ct)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
            throw new FileNotFoundException($"Cannot upload '{path}': the file does not exist.", path);
        string digest;
        await using (var hashStream = File.OpenRead(path))
            digest = Convert.ToHexStringLower(await SHA256.HashDataAsync(hashStream, ct));

        var header = new UploadHeader { TotalBytes = info.Length, Sha256 = digest, MediaType = mediaType, Name = info.Name };
        return await _channel.ClientStreamingAsync(AdminService.UploadArtifact, UploadParts(path, header, ct),
            new CallOptions { CancellationToken = ct, Idempotent = true });
    }

    private static async IAsyncEnumerable<UploadArtifactRequest> UploadParts(
        string path, UploadHeader header, [EnumeratorCancellation] CancellationToken ct)
    {
        yield return new UploadArtifactRequest { Header = header };
        await using var file = File.OpenRead(path);
        var buffer = new byte[ChunkBytes];
        int read;
        while ((read = await file.ReadAsync(buffer, ct)) > 0)
            yield return new UploadArtifactRequest { Chunk = ByteString.CopyFrom(buffer, 0, read) };
    }

    /// <summary>
    /// Downloads an artifact to <paramref name="path"/>, resuming from a <c>.partial</c> file left by an
    /// interrupted download, and verifies the SHA-256 before the file takes its final name.
    /// </summary>
    public async Task DownloadAsync(string digest, string path, CancellationToken ct)
    {
        var partial = path + ".partial";
        long offset = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        await using (var file = new FileStream(partial, FileMode.Append, FileAccess.Write))
        {
            var request = new FetchArtifactRequest { Digest = digest, Offset = offset };
            await foreach (var chunk in _channel.ServerStreaming(AdminService.DownloadArtifact, request,
                               new CallOptions { CancellationToken = ct }).WithCancellation(ct))
            {
                if (chunk.Offset != file.Length)
                    throw new InvalidDataException($"Download of {digest} out of order: chunk at {chunk.Offset}, expected {file.Length}.");
                await file.WriteAsync(chunk.Data.Memory, ct);
            }
        }
        string actual;
        await using (var check = File.OpenRead(partial))
            actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(check, ct));
        if (actual != digest)
        {
            File.Delete(partial);
            throw new InvalidDataException($"Download of {digest} is corrupt (got {actual}); the partial file was removed, run the command again.");
        }
        File.Move(partial, path, overwrite: true);
    }

    public Task<FederationInfo> CreateFederationAsync(CreateFederationRequest request, CancellationToken ct) =>
        _channel.UnaryAsync(AdminService.CreateFederation, request, new CallOptions { CancellationToken = ct });

    public Task<RunInfo> StartRunAsync(StartRunRequest request, CancellationToken ct) =>
        _channel.UnaryAsync(AdminService.StartRun, request, new CallOptions { CancellationToken = ct });

    public Task<StatusResponse> GetStatusAsync(string runId, CancellationToken ct) =>
        _channel.UnaryAsync(AdminService.GetStatus, new GetStatusRequest { RunId = runId },
            new CallOptions { CancellationToken = ct, Idempotent = true, Timeout = TimeSpan.FromSeconds(30) });

    public Task<ArtifactRef> ExportAsync(ExportModelRequest request, CancellationToken ct) =>
        _channel.UnaryAsync(AdminService.ExportModel, request, new CallOptions { CancellationToken = ct });

    /// <summary>A run's events, replayed from <paramref name="afterSequence"/> and then live, until the run ends.</summary>
    public IAsyncEnumerable<RunEvent> WatchAsync(string runId, long afterSequence, CancellationToken ct) =>
        _channel.ServerStreaming(AdminService.WatchRun, new WatchRunRequest { RunId = runId, AfterSequence = afterSequence },
            new CallOptions { CancellationToken = ct });

    public void Dispose() => _channel.Dispose();
}
