using System.Diagnostics;
using System.Security.Cryptography;

namespace FedTransfer.Cli.Commands;

/// <summary>
/// The floor a round's duration is judged against in bench-rounds: how long this machine's cores take to SHA-256 and
/// copy the bytes one round moves (every site's upload, and its download with fetching on), measured in the same run.
/// Below it no coordinator can go, whatever its wire.
/// </summary>
internal static class RoundFloor
{
    /// <summary>Milliseconds (best of three) to hash and copy <paramref name="messages"/> buffers of <paramref name="bytesEach"/>, on every core.</summary>
    public static double MeasureMs(long bytesEach, int messages)
    {
        var source = new byte[bytesEach];
        new Random(7).NextBytes(source);
        var best = double.MaxValue;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var clock = Stopwatch.StartNew();
            Parallel.For(0, messages, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, () => new byte[bytesEach], (_, _, target) =>
            {
                source.AsSpan().CopyTo(target);
                SHA256.HashData(target);
                return target;
            }, _ => { });
            best = Math.Min(best, clock.Elapsed.TotalMilliseconds);
        }
        return best;
    }
}
