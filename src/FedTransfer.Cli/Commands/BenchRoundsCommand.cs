using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FedTransfer.Contracts;
using FedTransfer.Contracts.V1;
using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;
using FedTransfer.Site.Egress;
using Grpc.Core;
using AdminGrpc = FedTransfer.Contracts.V1.Admin;

namespace FedTransfer.Cli.Commands;

/// <summary>
/// Hidden <c>fedtransfer bench-rounds</c> (bench/rounds.sh): a real coordinator process on loopback and N simulated sites
/// that skip training and push fixed deltas of a P-parameter adapter. Prints the median coordinator time per round
/// (round start to new global adapter written, with no training in it) and the coordinator's peak RSS.
/// </summary>
internal static class BenchRoundsCommand
{
    private const string CoordinatorEnvironmentPrefix = "BENCH_COORDINATOR_";

    public static Command Create()
    {
        var sites = new Option<int>("--sites") { Description = "Simulated sites", DefaultValueFactory = _ => 50 };
        var rounds = new Option<int>("--rounds") { Description = "Rounds", DefaultValueFactory = _ => 20 };
        var parameters = new Option<int>("--parameters") { Description = "Adapter parameters (float32)", DefaultValueFactory = _ => 2_000_000 };
        var fetch = new Option<bool>("--fetch") { Description = "Sites download the global adapter every round, as real sites do", DefaultValueFactory = _ => true };
        var command = new Command("bench-rounds", "Time coordinator rounds with simulated sites (used by bench/rounds.sh)") { Hidden = true };
        foreach (var option in new Option[] { sites, rounds, parameters, fetch })
            command.Options.Add(option);
        command.SetAction((ParseResult r, CancellationToken ct) =>
            RunAsync(r.GetValue(sites), r.GetValue(rounds), r.GetValue(parameters), r.GetValue(fetch), ct));
        return command;
    }

    private static async Task<int> RunAsync(int siteCount, int rounds, int parameters, bool fetch, CancellationToken ct)
    {
        var data = Path.Combine(Path.GetTempPath(), "fedtransfer-bench-rounds-" + Guid.NewGuid().ToString("N")[..8]);
        var port = FreePort();
        using var coordinator = StartCoordinator(data, port);
        try
        {
            var address = new Uri($"http://127.0.0.1:{port}");
            using var channel = CoordinatorChannel.Open(address);
            var admin = new AdminGrpc.AdminClient(channel);
            await WaitUntilUpAsync(admin, coordinator, ct);
            var adapter = Adapter(parameters, seed: 1);
            var adapterBytes = SafeTensors.Serialize(adapter);
            var federation = await CreateFederationAsync(admin, adapterBytes, ct);
            var timeline = new RoundTimeline();
            var simulated = new List<SimulatedSite>();
            for (var i = 0; i < siteCount; i++)
                simulated.Add(await SimulatedSite.JoinAsync(address, $"sim-{i:000}", 100 + 7 * i, SafeTensors.Serialize(Adapter(parameters, seed: 1000 + i, scale: 0.01f)), fetch, timeline, ct));
            await Task.Delay(500, ct); // let the coordinator settle before taking its baseline
            var baselineKb = ProcessStats.StatusKb(coordinator.Id, "VmRSS");

            var clock = Stopwatch.StartNew();
            var run = await admin.StartRunAsync(new StartRunRequest
            {
                FederationId = federation.FederationId, Rounds = rounds, MinSites = siteCount, Fraction = 1, RoundTimeoutSeconds = 600,
                HyperParameters = new HyperParameters { Epochs = 1, BatchSize = 32, LearningRate = 0.01, Seed = 1 },
            }, Within(TimeSpan.FromSeconds(60), ct));
            var workers = simulated.Select(s => Task.Run(() => s.WorkAsync(ct), ct)).ToArray();
            RunEvent? last = null;
            using var watch = admin.WatchRun(new WatchRunRequest { RunId = run.RunId }, Within(TimeSpan.FromHours(2), ct));
            await foreach (var e in watch.ResponseStream.ReadAllAsync(ct))
            {
                if (e.EventCase == RunEvent.EventOneofCase.RoundStarted)
                    timeline.Started(e.RoundStarted.Round, ProcessStats.CpuMs(coordinator.Id));
                else if (e.EventCase == RunEvent.EventOneofCase.RoundCompleted)
                    timeline.Completed(e.RoundCompleted.Round, e.RoundCompleted.DurationMs, ProcessStats.CpuMs(coordinator.Id));
                last = e;
            }
            var wall = clock.Elapsed.TotalSeconds;
            var peakKb = ProcessStats.StatusKb(coordinator.Id, "VmHWM");
            await Task.WhenAll(workers);
            foreach (var s in simulated) s.Dispose();
            if (last?.EventCase != RunEvent.EventOneofCase.RunFinished)
            {
                await Console.Error.WriteLineAsync($"bench-rounds: the run did not finish: {last}");
                return 1;
            }
            BenchRoundsReport.Print(new BenchRoundsReport.Setup(rounds, siteCount, parameters, adapterBytes.Length, fetch),
                timeline.Breakdown(), wall, baselineKb, peakKb);
            return 0;
        }
        finally
        {
            if (!coordinator.HasExited) coordinator.Kill(entireProcessTree: true);
            await coordinator.WaitForExitAsync(CancellationToken.None);
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: it is under the temp folder.
            }
        }
    }

    private static IReadOnlyList<TensorRecord> Adapter(int parameters, int seed, float scale = 1f)
    {
        // LoRA-like pairs of [r, d] / [d, r] tensors plus a head, adding up to the requested size.
        const int d = 512, r = 16;
        var random = new Random(seed);
        var tensors = new List<TensorRecord>();
        var remaining = parameters;
        for (var i = 0; remaining > 0; i++)
        {
            var name = $"blocks.{i / 2}.attn.qkv.lora_{(i % 2 == 0 ? "a" : "b")}";
            var count = Math.Min(remaining, d * r);
            var values = new float[count];
            for (var k = 0; k < count; k++) values[k] = (float)(random.NextDouble() * 2 - 1) * scale;
            tensors.Add(TensorRecord.FromSingles(name, values, DType.Float32, count == d * r ? (i % 2 == 0 ? [r, d] : [d, r]) : [count]));
            remaining -= count;
        }
        return tensors;
    }

    private static CallOptions Within(TimeSpan timeout, CancellationToken ct) => new(deadline: DateTime.UtcNow + timeout, cancellationToken: ct);

    private static async Task<FederationInfo> CreateFederationAsync(AdminGrpc.AdminClient channel, byte[] adapter, CancellationToken ct)
    {
        var backbone = SafeTensors.Serialize([TensorRecord.FromSingles("patch_embed.weight", new float[4096], DType.Float32, 64, 64)]);
        var backboneRef = await UploadAsync(channel, backbone, ct);
        var adapterRef = await UploadAsync(channel, adapter, ct);
        return await channel.CreateFederationAsync(new CreateFederationRequest
        {
            Name = "bench", BackboneDigest = backboneRef.Digest, InitialAdapterDigest = adapterRef.Digest, AdapterSpec = "lora:r=16", TaskSpec = "classify:classes=5",
        }, Within(TimeSpan.FromMinutes(5), ct));
    }

    internal static Task<ArtifactRef> UploadAsync(AdminGrpc.AdminClient channel, byte[] bytes, CancellationToken ct)
    {
        return ClientStreaming.SendAsync(channel.UploadArtifact(Within(TimeSpan.FromMinutes(10), ct)), Parts(), ct);

        async IAsyncEnumerable<UploadArtifactRequest> Parts()
        {
            yield return new UploadArtifactRequest { Header = new UploadHeader { TotalBytes = bytes.Length, MediaType = "application/vnd.safetensors" } };
            for (var offset = 0; offset < bytes.Length; offset += 1 << 20)
                yield return new UploadArtifactRequest { Chunk = Google.Protobuf.ByteString.CopyFrom(bytes, offset, Math.Min(1 << 20, bytes.Length - offset)) };
            await Task.CompletedTask;
        }
    }

    private static Process StartCoordinator(string data, int port)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = false, RedirectStandardError = false, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") info.ArgumentList.Add(typeof(BenchRoundsCommand).Assembly.Location);
        foreach (var arg in new[]
        {
            "coordinator", $"--Coordinator:DataDirectory={data}", $"--Coordinator:Listener:Url=http://127.0.0.1:{port}",
            "--Coordinator:MaxPullWaitMs=1000", "--Coordinator:StopSitesWhenIdle=true", "--Logging:LogLevel:Default=Warning",
        })
            info.ArgumentList.Add(arg);
        // BENCH_COORDINATOR_X=v sets X=v for the coordinator only (e.g. a GC setting), not for this process and its 50 sites.
        foreach (System.Collections.DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            if (variable.Key is string name && name.StartsWith(CoordinatorEnvironmentPrefix, StringComparison.Ordinal) && name.Length > CoordinatorEnvironmentPrefix.Length)
                info.Environment[name[CoordinatorEnvironmentPrefix.Length..]] = variable.Value as string;
        }
        return Process.Start(info) ?? throw new InvalidOperationException("could not start the coordinator process");
    }

    private static async Task WaitUntilUpAsync(AdminGrpc.AdminClient channel, Process coordinator, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await channel.GetStatusAsync(new GetStatusRequest(), Within(TimeSpan.FromSeconds(2), ct));
                return;
            }
            catch (RpcException) when (attempt < 100 && !coordinator.HasExited)
            {
                await Task.Delay(200, ct);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
