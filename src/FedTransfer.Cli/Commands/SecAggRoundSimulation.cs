using System.Runtime.InteropServices;
using FedTransfer.Contracts.V1;
using FedTransfer.Federation.SecureAggregation;
using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Updates;
using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;
using Google.Protobuf;
using TrainableSet = FedTransfer.Federation.Updates.TrainableSet;

namespace FedTransfer.Cli.Commands;

/// <summary>
/// One FedAvg round of simulated sites, in process, both ways: plain (each site's float32 delta validated and added to
/// the streaming weighted sum, as the coordinator does today) and secure (the real SecAgg+ site and coordinator state
/// machines; sites send ω·δ and ω, ω = examples / largest example count, and FedAvg then acts on the unmasked sum as one
/// result). Only the coordinator's calls are timed (process CPU time); the sites' work runs between them, untimed.
/// Both ways the coordinator's part is what ResultIntake and the round do per payload (SHA-256, validation or unmasking,
/// aggregation), not the network or disk.
/// Bytes a site sends are the protobuf messages it would put on the wire, plus gRPC's 5-byte frame per message.
/// </summary>
internal sealed class SecAggRoundSimulation(int sites, int parameters, int seed)
{
    private const int ChunkBytes = 1 << 20;
    private const double Bound = 1.0;
    private readonly TrainableSet _trainable = TrainableSet.Create([new TrainableTensor("adapter.delta", DType.Float32, [parameters])]);
    private readonly float[][] _deltas = Deltas(sites, parameters, seed);
    private readonly long[] _examples = Enumerable.Range(0, sites).Select(i => 100L + (37L * i % 400)).ToArray();

    /// <summary>Coordinator CPU seconds of a plain round, and the bytes one site sends.</summary>
    public (double CpuSeconds, long SiteBytes) Plain(int round)
    {
        var global = new GlobalAdapter(_trainable, [TensorRecord.Create<float>("adapter.delta", new float[parameters], parameters)]);
        var payloads = _deltas.Select(d => SafeTensors.Serialize([TensorRecord.Create<float>("adapter.delta", d, parameters)])).ToArray();
        var validator = new UpdateValidator(_trainable);
        var strategy = new FedAvg();
        var cpu = CpuClock.Seconds();
        var accumulator = strategy.BeginAggregateTrain(round, global);
        for (var i = 0; i < sites; i++)
        {
            var payload = payloads[i];
            ReceiveDigest(payload);
            using (var stream = new MemoryStream(payload, writable: false))
            {
                var check = validator.Validate(stream, _examples[i], $"site {i}");
                if (!check.IsValid) throw new InvalidOperationException(check.Reason);
            }
            accumulator.Add(new SiteTrainResult($"site-{i:D3}", _examples[i], new Dictionary<string, double>(), () => new MemoryStream(payload, writable: false)));
        }
        var aggregate = accumulator.Complete([]);
        var seconds = CpuClock.Seconds() - cpu;
        if (!aggregate.Succeeded) throw new InvalidOperationException(aggregate.FailureReason);
        return (seconds, ResultBytes(payloads[0]));
    }

    /// <summary>Coordinator CPU seconds of a secure round, the bytes one site sends, and the largest |secure - plain| of the sum.</summary>
    public (double CpuSeconds, long SiteBytes, double MaxAbsError, double ErrorBound) Secure(int round, int droppedAtUpload)
    {
        var ring = new FixedPointRing(Bound, sites);
        var parametersOfRound = new SecureAggregationParameters("bench-run", round, 0.6, parameters + 1, ring);
        var ids = Enumerable.Range(0, sites).Select(i => $"site-{i:D3}").ToArray();
        var site = ids.Select(id => new SecureAggregationSite(id, parametersOfRound)).ToArray();
        try
        {
            var coordinator = new SecureAggregationCoordinator(parametersOfRound, ids, graphSeed: seed + round);
            var global = new GlobalAdapter(_trainable, [TensorRecord.Create<float>("adapter.delta", new float[parameters], parameters)]);
            var cap = (double)_examples.Max();
            var inputs = Enumerable.Range(0, sites).Select(i => WeightedInput(_deltas[i], _examples[i] / cap)).ToArray();
            double cpu = 0;
            long sentBySite0 = 0;

            var keys = site.Select(s => s.Advertise()).ToArray();
            sentBySite0 += Framed(new SecAggAdvertiseKeys { SessionId = SessionId, TaskId = TaskId, EncryptionPublicKey = ByteString.CopyFrom(keys[0].EncryptionKey), MaskPublicKey = ByteString.CopyFrom(keys[0].MaskKey) });
            var rosters = Timed(ref cpu, () => { foreach (var k in keys) coordinator.AcceptKeys(k); return coordinator.CloseAdvertising(); }) ?? throw Failure(coordinator);

            var shares = site.Select(s => s.ShareKeys(rosters[ids[Array.IndexOf(site, s)]])).ToArray();
            var shareMessage = new SecAggShareKeys { SessionId = SessionId, TaskId = TaskId };
            shareMessage.Shares.Add(shares[0].Select(s => new SecAggEncryptedShare { FromSiteId = s.From, ToSiteId = s.To, Ciphertext = ByteString.CopyFrom(s.Ciphertext) }));
            sentBySite0 += Framed(shareMessage);
            var inboxes = Timed(ref cpu, () => { for (var i = 0; i < sites; i++) coordinator.AcceptShares(ids[i], shares[i]); return coordinator.CloseSharing(); }) ?? throw Failure(coordinator);

            var uploaders = Enumerable.Range(0, sites).Where(i => i != droppedAtUpload).ToArray();
            var payloads = uploaders.Select(i => MaskedPayload(site[i].MaskedInput(inputs[i], inboxes[ids[i]]))).ToArray();
            sentBySite0 += ResultBytes(payloads[0]);
            var request = Timed(ref cpu, () =>
            {
                for (var u = 0; u < uploaders.Length; u++)
                {
                    ReceiveDigest(payloads[u]);
                    coordinator.AcceptMaskedInput(ids[uploaders[u]], ReadMasked(payloads[u]));
                }
                return coordinator.CloseUpload();
            }) ?? throw Failure(coordinator);

            var answers = uploaders.Select(i => site[i].Unmask(request)).ToArray();
            var unmask = new SecAggUnmask { SessionId = SessionId, TaskId = TaskId };
            unmask.Shares.Add(answers[0].Shares.Select(s => new SecAggRevealedShare { OwnerSiteId = s.Owner, Kind = (SecAggShareKind)(int)s.Kind, X = s.X, Value = ByteString.CopyFrom(s.Value) }));
            sentBySite0 += Framed(unmask);
            var result = Timed(ref cpu, () =>
            {
                foreach (var answer in answers) coordinator.AcceptUnmask(answer);
                var sum = coordinator.Finish();
                if (!sum.Succeeded) return sum;
                // FedAvg on the sum: Σ ω·δ / Σ ω is the weighted mean, added to the global as one result.
                var mean = new float[parameters];
                var weight = sum.Sum![parameters];
                for (var j = 0; j < parameters; j++) mean[j] = (float)(sum.Sum[j] / weight);
                var bytes = SafeTensors.Serialize([TensorRecord.Create<float>("adapter.delta", mean, parameters)]);
                var accumulator = new FedAvg().BeginAggregateTrain(round, global);
                accumulator.Add(new SiteTrainResult("secure-sum", (long)Math.Round(weight * cap), new Dictionary<string, double>(), () => new MemoryStream(bytes, writable: false)));
                var aggregate = accumulator.Complete([]);
                if (!aggregate.Succeeded) throw new InvalidOperationException(aggregate.FailureReason);
                return sum;
            });
            if (!result.Succeeded) throw new InvalidOperationException(result.FailureReason);

            var plain = new double[parameters + 1];
            foreach (var i in uploaders)
            {
                for (var j = 0; j <= parameters; j++) plain[j] += Math.Clamp(inputs[i][j], -Bound, Bound);
            }
            var error = plain.Zip(result.Sum!, (p, s) => Math.Abs(p - s)).Max();
            return (cpu, sentBySite0, error, ring.SumErrorBound);
        }
        finally
        {
            foreach (var s in site) s.Dispose();
        }
    }

    private const string SessionId = "0123456789abcdef0123456789abcdef";
    private const string TaskId = "task-0123456789abcdef01234567";

    private static float[] WeightedInput(float[] delta, double weight)
    {
        var input = new float[delta.Length + 1];
        for (var j = 0; j < delta.Length; j++) input[j] = (float)(delta[j] * weight);
        input[^1] = (float)weight;
        return input;
    }

    // Both ways the coordinator checks each payload's SHA-256 as it arrives (ResultIntake), so both pay for it.
    private static void ReceiveDigest(byte[] payload)
    {
        if (System.Security.Cryptography.SHA256.HashData(payload).Length != 32) throw new InvalidOperationException("SHA-256 gave no digest");
    }

    private static byte[] MaskedPayload(uint[] masked) =>
        SafeTensors.Serialize([TensorRecord.Create<int>("secagg.masked", MemoryMarshal.Cast<uint, int>(masked), masked.Length)]);

    private static ReadOnlySpan<uint> ReadMasked(byte[] payload)
    {
        var tensor = SafeTensors.Read(payload, "masked upload").Tensors[0];
        return MemoryMarshal.Cast<byte, uint>(tensor.Data.Span);
    }

    /// <summary>PushResult as a site sends it: the header, then the payload in 1 MiB chunks, each a framed message.</summary>
    private static long ResultBytes(byte[] payload)
    {
        var header = new PushResultRequest
        {
            Header = new ResultHeader
            {
                SessionId = SessionId, TaskId = TaskId, Round = 1, ExampleCount = 1000, PayloadEncoding = PayloadEncoding.Safetensors,
                PayloadTotalBytes = payload.Length, PayloadSha256 = new string('0', 64), LedgerHeadSeq = 12, LedgerHeadSha256 = new string('0', 64),
            },
        };
        header.Header.Metrics["train_loss"] = 0.5;
        var total = Framed(header);
        for (var offset = 0; offset < payload.Length; offset += ChunkBytes)
            total += Framed(new PushResultRequest { Chunk = ByteString.CopyFrom(payload, offset, Math.Min(ChunkBytes, payload.Length - offset)) });
        return total;
    }

    private static long Framed(IMessage message) => message.CalculateSize() + 5;

    private static T Timed<T>(ref double cpu, Func<T> work)
    {
        var start = CpuClock.Seconds();
        var result = work();
        cpu += CpuClock.Seconds() - start;
        return result;
    }

    private static InvalidOperationException Failure(SecureAggregationCoordinator coordinator) => new(coordinator.FailureReason ?? "secure aggregation failed");

    private static float[][] Deltas(int sites, int parameters, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, sites).Select(_ => Enumerable.Range(0, parameters).Select(_ => (float)((random.NextDouble() * 2 - 1) * 0.02)).ToArray()).ToArray();
    }
}

/// <summary>CPU time of the whole process in seconds, at nanosecond resolution (Process.TotalProcessorTime ticks at 10 ms on Linux).</summary>
internal static partial class CpuClock
{
    private const int ProcessCpuTimeClock = 2; // CLOCK_PROCESS_CPUTIME_ID

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    public static double Seconds()
    {
        if (ClockGetTime(ProcessCpuTimeClock, out var t) != 0) throw new InvalidOperationException("clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed");
        return t.Seconds + (t.Nanoseconds / 1e9);
    }
}
