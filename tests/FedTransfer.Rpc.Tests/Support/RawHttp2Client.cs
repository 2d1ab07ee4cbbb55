using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace FedTransfer.Rpc.Tests.Support;

/// <summary>
/// Plain HttpClient over HTTP/2 (h2c prior knowledge) for sending hand-made, possibly broken, gRPC requests and
/// looking at the raw response: HTTP status, headers, body and trailers.
/// </summary>
public sealed class RawHttp2Client : IDisposable
{
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };

    public sealed record Response(HttpStatusCode Status, IReadOnlyDictionary<string, string> Headers, byte[] Body, IReadOnlyDictionary<string, string> Trailers)
    {
        /// <summary>grpc-status from the trailers, or from the headers of a Trailers-Only response.</summary>
        public StatusCode? GrpcStatus =>
            (Trailers.TryGetValue("grpc-status", out var s) || Headers.TryGetValue("grpc-status", out s)) ? (StatusCode)int.Parse(s) : null;

        public string? GrpcMessage =>
            Trailers.TryGetValue("grpc-message", out var m) || Headers.TryGetValue("grpc-message", out m) ? m : null;

        public bool IsTrailersOnly => Headers.ContainsKey("grpc-status") && Body.Length == 0;
    }

    public static byte[] Frame(IMessage message) => Frame(message.ToByteArray());

    public static byte[] Frame(byte[] payload, byte flag = 0, uint? declaredLength = null)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), declaredLength ?? (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    public Task<Response> PostAsync(Uri server, string path, byte[] body, string contentType = "application/grpc",
        IReadOnlyDictionary<string, string>? headers = null, Version? version = null, CancellationToken ct = default)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return SendAsync(server, path, content, headers, version ?? HttpVersion.Version20, ct);
    }

    public async Task<Response> SendAsync(Uri server, string path, HttpContent content,
        IReadOnlyDictionary<string, string>? headers, Version version, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server, path))
        {
            Version = version,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        return new Response(response.StatusCode, Flatten(response.Headers.Concat(response.Content.Headers)), body, Flatten(response.TrailingHeaders));
    }

    public void Dispose() => _client.Dispose();

    private static Dictionary<string, string> Flatten(IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers) =>
        headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value));
}
