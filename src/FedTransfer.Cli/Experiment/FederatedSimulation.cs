using FedTransfer.Federation.Privacy;
using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Updates;
using FedTransfer.Site.Training;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Cli.Experiment;

/// <summary>A participant of a simulated federation: an id and the real site trainer over its data folder.</summary>
internal sealed record SimulatedParticipant(string Id, ILocalTrainer Trainer);

/// <summary>What one simulated run produced.</summary>
/// <param name="Curve">Test accuracy of the global model after each round.</param>
/// <param name="MeanUploadBytes">Mean size of the safetensors payload one site sent up in one round.</param>
/// <param name="TrainableParameters">Elements of the trainable set (what a site trains and sends a delta of).</param>
internal sealed record RunOutcome(IReadOnlyList<double> Curve, double MeanUploadBytes, long TrainableParameters)
{
    public double FinalAccuracy => Curve[^1];
    public int RoundsTo95 => RoundsToTarget.Compute(Curve);
}

/// <summary>
/// Federated rounds in one process, with no network: the strategy (from <see cref="StrategyRegistry"/>, wrapped for
/// exact LoRA aggregation as the coordinator wraps it) samples the participants and derives their task seeds, each
/// participant trains with the site's own trainer from the current global file and returns its delta, the delta is
/// encoded and serialised exactly as a site uploads it, validated and decoded as the coordinator does, and aggregated
/// by the strategy. One participant holding pooled data is centralised
/// training; one holding a site's data is that site alone.
/// </summary>
internal sealed class FederatedSimulation(string backbonePath, TestEvaluator evaluator, string strategyName, IReadOnlyDictionary<string, string> strategySettings)
{
    /// <summary>Share of the participants the strategy samples each round (1 = every one).</summary>
    public double Fraction { get; init; } = 1.0;

    /// <summary>The rate q the sampler draws at: ⌈fraction · n⌉ of n participants (as <see cref="Federation.Sampling.SiteSampler"/> takes them).</summary>
    public static double SamplingRate(double fraction, int participants) =>
        Math.Min(participants, Math.Max(1, (int)Math.Ceiling(fraction * participants - 1e-9))) / (double)participants;

    /// <param name="centralDp">DP-FedAvg around the strategy, as the coordinator wraps it; null = none. Its noise is
    /// seeded from the run seed and round: reproducible, which a simulation wants and a real coordinator must not be.</param>
    public async Task<RunOutcome> RunAsync(string runDirectory, string adapterSpec, DeltaEncoding encoding, string initialAdapter,
        IReadOnlyList<SimulatedParticipant> participants, TrainConfig config, int rounds, CancellationToken ct, CentralDpSettings? centralDp = null)
    {
        Directory.CreateDirectory(runDirectory);
        var initial = SafeTensors.ReadFile(initialAdapter);
        var trainable = TrainableSet.FromRecords(initial.Tensors);
        var validator = new UpdateValidator(trainable, encoding);
        var strategy = LoraAggregation.StrategyFor(adapterSpec, strategyName, strategySettings);
        var noiseRound = 0;
        if (centralDp is not null)
            strategy = new CentralDpStrategy(strategy, centralDp, () => GaussianNoise.Seeded(unchecked((int)config.Seed * 7919 + noiseRound)));
        var expected = trainable.Tensors.Select(t => new TensorSpec(t.Name, t.DType, t.Shape)).ToList();
        var byId = participants.ToDictionary(p => p.Id, StringComparer.Ordinal);
        var candidates = participants.Select(p =>
        {
            var c = p.Trainer.Describe();
            return new SiteCandidate(p.Id, c.TrainExamples, c.ValidationExamples);
        }).ToList();
        var settings = new RoundSettings(Fraction, 1, config);

        IReadOnlyList<TensorRecord> global = initial.Tensors;
        IReadOnlyList<TensorRecord> serverState = []; // momentum / Adam moments, carried as the coordinator carries them
        var globalPath = initialAdapter;
        var curve = new List<double>(rounds);
        long uploadBytes = 0, uploads = 0;
        for (var round = 1; round <= rounds; round++)
        {
            var plan = strategy.ConfigureTrain(round, candidates, settings);
            if (plan.Shortfall is not null) throw new InvalidOperationException($"round {round}: {plan.Shortfall}");
            noiseRound = round;
            var accumulator = strategy.BeginAggregateTrain(round, new GlobalAdapter(trainable, global) { ServerState = serverState }, plan.Assignments.Count);
            foreach (var assignment in plan.Assignments)
            {
                var c = assignment.Config;
                var result = await byId[assignment.SiteId].Trainer.TrainAsync(new LocalTrainRequest(backbonePath, globalPath, adapterSpec,
                    ExperimentSettings.TaskSpec, new LocalHyperParameters(c.Epochs, c.BatchSize, c.LearningRate, c.FedProxMu, c.Seed), expected), ct);
                var payload = DeltaCodec.Encode(result.Delta, encoding).Serialize(); // byte for byte what the site's task runner pushes
                using (var stream = new MemoryStream(payload, writable: false))
                {
                    var check = validator.Validate(stream, result.ExampleCount, $"update of {assignment.SiteId}");
                    if (!check.IsValid) throw new InvalidOperationException($"round {round}: the coordinator would reject {assignment.SiteId}'s update: {check.Reason}");
                }
                uploadBytes += payload.Length;
                uploads++;
                // As the coordinator does: strategies only ever read the update decoded back to the trained dtypes.
                var source = $"update of {assignment.SiteId}";
                accumulator.Add(new SiteTrainResult(assignment.SiteId, result.ExampleCount, result.Metrics,
                    () => DeltaCodec.OpenDecoded(new MemoryStream(payload, writable: false), encoding, trainable, source)));
            }
            var aggregation = accumulator.Complete([]);
            if (!aggregation.Succeeded) throw new InvalidOperationException($"round {round}: {aggregation.FailureReason}");
            global = aggregation.NewGlobal!;
            serverState = aggregation.ServerState;
            var previous = globalPath;
            globalPath = Path.Combine(runDirectory, $"global-{round:D3}.safetensors");
            SafeTensors.WriteFile(globalPath, global);
            if (previous != initialAdapter) File.Delete(previous);
            curve.Add(evaluator.Accuracy(adapterSpec, globalPath));
        }
        return new RunOutcome(curve, uploads == 0 ? 0 : (double)uploadBytes / uploads, trainable.ParameterCount);
    }
}
