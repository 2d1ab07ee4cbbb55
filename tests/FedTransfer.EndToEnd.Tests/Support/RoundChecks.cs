using FedTransfer.Contracts.V1;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.EndToEnd.Tests.Support;

/// <summary>Checks over a run's events and what the coordinator stored, shared by the end-to-end tests.</summary>
internal static class RoundChecks
{
    public static RoundCompleted[] TrainRounds(IEnumerable<RunEvent> events) =>
        events.Where(e => e.EventCase == RunEvent.EventOneofCase.RoundCompleted && e.RoundCompleted.Kind == "train")
            .Select(e => e.RoundCompleted).ToArray();

    /// <summary>The accepted site results of <paramref name="round"/>, one per task.</summary>
    public static SiteUpdateReceived[] Accepted(IEnumerable<RunEvent> events, int round) =>
        events.Where(e => e.EventCase == RunEvent.EventOneofCase.SiteUpdate && e.SiteUpdate.Round == round && e.SiteUpdate.Outcome == ResultOutcome.Accepted)
            .Select(e => e.SiteUpdate).DistinctBy(u => u.TaskId).ToArray();

    /// <summary>
    /// Walks the train rounds in order and checks that each new global adapter is the naive example-weighted average of
    /// the payloads the coordinator stored for that round's accepted results, applied to the previous global.
    /// Returns every global adapter, the initial one first.
    /// </summary>
    public static async Task<List<IReadOnlyList<TensorRecord>>> AssertEveryRoundIsFedAvgAsync(Cluster cluster, IReadOnlyList<RunEvent> events)
    {
        var globals = new List<IReadOnlyList<TensorRecord>> { TinyVitFederation.Read(cluster.Files.InitialAdapterPath) };
        foreach (var round in TrainRounds(events))
        {
            var updates = Accepted(events, round.Round)
                .Select(u => ((IReadOnlyList<TensorRecord>)TinyVitFederation.Read(cluster.Coordinator.PayloadPath(u.TaskId)), u.ExampleCount))
                .ToList();
            Assert.Equal(round.Accepted, updates.Count);
            var expected = FedAvgReference.Next(globals[^1], updates);
            var actual = SafeTensors.Read(await cluster.Admin.DownloadAsync(round.GlobalAdapter.Digest)).Tensors;
            FedAvgReference.AssertClose(expected, actual);
            globals.Add(actual);
        }
        return globals;
    }
}
