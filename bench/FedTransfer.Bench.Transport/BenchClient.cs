using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using FedTransfer.Contracts;
using FedTransfer.Site.Egress;
using Google.Protobuf;
using Grpc.Core;

namespace FedTransfer.Bench.Transport;

/// <summary>
/// Our client for the benchmark: the site's channel (CoordinatorChannel). Same protocol as bench/transport/bench_client.py: one verified download and
/// upload (SHA-256, untimed), one untimed warm-up run, then RUNS timed downloads and uploads (best run reported),
/// then unary round trips.
/// </summary>
internal static class BenchClient
{
    private const int ChunkSize = 1024 * 1024;
    private const int UnaryWarmup = 500;
    private const int UnaryCalls = 10_000;

    /// <param name="address">Server address, http://127.0.0.1:PORT.</param>
    /// <param name="size">Artifact size in bytes.</param>
    /// <param name="runs">Timed runs; the best one is reported.</param>
    /// <param name="parts">"all", or one of download / upload / unary (for profiling one path).</param>
    /// <param name="caFile">For https: the CA the server's certificate must chain to (the site's trust rule).</param>
    public static async Task<int> RunAsync(Uri address, long size, int runs, string parts, string? caFile)
    {
        var all = parts == "all";
        var ca = caFile is null ? null : System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(caFile));
        using var grpcChannel = CoordinatorChannel.Open(address, trustedCa: ca);
        var channel = new Transport.TransportClient(grpcChannel);
        var artifact = BenchArtifact.Build(size, ChunkSize);
        var expected = BenchArtifact.Sha256Hex(artifact);

        if (all)
        {
            var fetched = await FetchAsync(channel, size, verify: true);
            Check(fetched.Sha256 == expected && fetched.Size == size, $"download verification failed: {fetched.Size} bytes, {fetched.Sha256}");
            var pushed = await ClientStreaming.SendAsync(channel.Push(new Metadata { { "x-verify", "1" } }), Chunks(artifact));
            Check(pushed.Sha256 == expected && pushed.Size == size, $"upload verification failed: {pushed.Size} bytes, {pushed.Sha256}");
        }

        // Run 0 is a warm-up (JIT tiering settles; same count of untimed runs on the grpcio side), then timed runs.
        var download = 0.0;
        var upload = 0.0;
        for (var run = -1; run < runs; run++)
        {
            var watch = Stopwatch.StartNew();
            if (all || parts == "download")
            {
                var got = await FetchAsync(channel, size, verify: false);
                download = run < 0 ? 0 : Math.Max(download, Rate(got.Size, watch.Elapsed));
            }

            watch.Restart();
            if (all || parts == "upload")
            {
                var summary = await ClientStreaming.SendAsync(channel.Push(), Chunks(artifact));
                upload = run < 0 ? 0 : Math.Max(upload, Rate(summary.Size, watch.Elapsed));
            }
        }

        if (!all && parts != "unary")
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"download_mb_s={download:F1}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"upload_mb_s={upload:F1}"));
            return 0;
        }

        var latencies = new double[UnaryCalls];
        var ping = new Ping { Payload = ByteString.CopyFrom(new byte[64]) };
        for (var i = 0; i < UnaryWarmup + UnaryCalls; i++)
        {
            ping.Seq = i;
            var start = Stopwatch.GetTimestamp();
            await channel.EchoAsync(ping, deadline: DateTime.UtcNow.AddSeconds(30));
            if (i >= UnaryWarmup)
            {
                latencies[i - UnaryWarmup] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }
        }

        Array.Sort(latencies);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"download_mb_s={download:F1}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"upload_mb_s={upload:F1}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"unary_p50_us={latencies[UnaryCalls / 2]:F0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"unary_p99_us={latencies[(int)(UnaryCalls * 0.99)]:F0}"));
        return 0;
    }

    private static async Task<(long Size, string Sha256)> FetchAsync(Transport.TransportClient channel, long size, bool verify)
    {
        using var hash = verify ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        long received = 0;
        using var call = channel.Fetch(new FetchRequest { Size = size, ChunkSize = ChunkSize });
        await foreach (var chunk in call.ResponseStream.ReadAllAsync())
        {
            if (chunk.Offset != received)
            {
                throw new InvalidOperationException($"chunk at offset {chunk.Offset}, expected {received}");
            }

            hash?.AppendData(chunk.Data.Span);
            received += chunk.Data.Length;
        }

        return (received, hash is null ? string.Empty : Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private static async IAsyncEnumerable<Chunk> Chunks(IReadOnlyList<ByteString> artifact, [EnumeratorCancellation] CancellationToken ct = default)
    {
        long offset = 0;
        foreach (var data in artifact)
        {
            ct.ThrowIfCancellationRequested();
            yield return new Chunk { Offset = offset, Data = data };
            offset += data.Length;
        }

        await Task.CompletedTask;
    }

    /// <summary>MB/s in decimal megabytes, the unit both sides of the comparison print.</summary>
    private static double Rate(long bytes, TimeSpan elapsed) => bytes / 1e6 / elapsed.TotalSeconds;

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }
}
