using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using FedTransfer.Contracts;
using FedTransfer.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Google.Protobuf;
using AdminGrpc = FedTransfer.Contracts.V1.Admin;

namespace FedTransfer.Cli.Admin;

/// <summary>
/// The central team's side of the Admin service: uploads and downloads artifacts in chunks,
/// creates federations, starts and watches runs. One instance per coordinator connection. Every call has a deadline:
/// <see cref="CallTimeout"/> for the small ones, <see cref="TransferTimeout"/> for artifact transfers and
/// <see cref="WatchTimeout"/> for a live view.
/// </summary>
internal sealed class AdminClient : IDisposable
{
    /// <summary>Bytes per upload chunk: well under the message limit.</summary>
    public const int ChunkBytes = WireLimits.DefaultChunkBytes;

    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan TransferTimeout = TimeSpan.FromHours(6);
    public static readonly TimeSpan WatchTimeout = TimeSpan.FromHours(24);

    private readonly GrpcChannel _channel;
    private readonly AdminGrpc.AdminClient _client;

    public AdminClient(GrpcChannel channel)
    {
        _channel = channel;
        _client = new AdminGrpc.AdminClient(channel);
    }

    private static CallOptions Within(TimeSpan timeout, CancellationToken ct) => new(deadline: DateTime.UtcNow + timeout, cancellationToken: ct);

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
        return await ClientStreaming.SendAsync(_client.UploadArtifact(Within(TransferTimeout, ct)), UploadParts(path, header, ct), ct);
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
            using var call = _client.DownloadArtifact(request, Within(TransferTimeout, ct));
            await foreach (var chunk in call.ResponseStream.ReadAllAsync(ct))
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
        // Creating a federation reads the whole backbone once (finite check): allow it the time of a transfer.
        _client.CreateFederationAsync(request, Within(TransferTimeout, ct)).ResponseAsync;

    public Task<RunInfo> StartRunAsync(StartRunRequest request, CancellationToken ct) =>
        _client.StartRunAsync(request, Within(CallTimeout, ct)).ResponseAsync;

    public Task<StatusResponse> GetStatusAsync(string runId, CancellationToken ct) =>
        _client.GetStatusAsync(new GetStatusRequest { RunId = runId }, Within(CallTimeout, ct)).ResponseAsync;

    public Task<RunInfo> CancelRunAsync(RunControlRequest request, CancellationToken ct) =>
        _client.CancelRunAsync(request, Within(CallTimeout, ct)).ResponseAsync;

    public Task<RunInfo> PauseRunAsync(RunControlRequest request, CancellationToken ct) =>
        _client.PauseRunAsync(request, Within(CallTimeout, ct)).ResponseAsync;

    public Task<RunInfo> ResumeRunAsync(RunControlRequest request, CancellationToken ct) =>
        _client.ResumeRunAsync(request, Within(CallTimeout, ct)).ResponseAsync;

    public Task<ArtifactRef> ExportAsync(ExportModelRequest request, CancellationToken ct) =>
        // A merged export reads the backbone and writes a model file: as long as a transfer.
        _client.ExportModelAsync(request, Within(TransferTimeout, ct)).ResponseAsync;

    /// <summary>A run's events, replayed from <paramref name="afterSequence"/> and then live, until the run ends.</summary>
    public async IAsyncEnumerable<RunEvent> WatchAsync(string runId, long afterSequence, [EnumeratorCancellation] CancellationToken ct)
    {
        using var call = _client.WatchRun(new WatchRunRequest { RunId = runId, AfterSequence = afterSequence }, Within(WatchTimeout, ct));
        await foreach (var e in call.ResponseStream.ReadAllAsync(ct)) yield return e;
    }

    public void Dispose() => _channel.Dispose();
}
