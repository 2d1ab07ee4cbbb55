using FedTransfer.Contracts.V1;
using FedTransfer.Federation.Privacy;
using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Updates;

namespace FedTransfer.Coordinator.Runs;

/// <summary>A run's validated settings, parsed from (and normalised back into) a StartRunRequest.</summary>
internal sealed record RunSettings(
    int Rounds,
    string Strategy,
    IReadOnlyDictionary<string, string> StrategySettings,
    double Fraction,
    int MinSites,
    TimeSpan RoundTimeout,
    int EvalEvery,
    TrainConfig Train,
    DeltaEncoding Encoding = DeltaEncoding.Float32,
    CentralDpSettings? CentralDp = null)
{
    /// <summary>The sampling part, as the strategy wants it.</summary>
    public RoundSettings Round => new(Fraction, MinSites, Train);

    /// <summary>Whether an evaluation follows train round <paramref name="round"/>.</summary>
    public bool EvaluatesAfter(int round) => EvalEvery > 0 && (round % EvalEvery == 0 || round == Rounds);

    /// <summary>Validates a request; defaults: strategy fedavg, fraction 1, seed 0.</summary>
    /// <exception cref="ArgumentException">One line naming the field, its allowed range and the value given.</exception>
    public static RunSettings Parse(StartRunRequest r)
    {
        Require(r.Rounds is >= 1 and <= 10_000, $"rounds must be between 1 and 10000, got {r.Rounds}");
        var fraction = r.Fraction == 0 ? 1.0 : r.Fraction;
        Require(fraction is > 0 and <= 1, $"fraction must be in (0, 1], got {r.Fraction}");
        Require(r.MinSites >= 1, $"min_sites must be at least 1, got {r.MinSites}");
        Require(r.RoundTimeoutSeconds is >= 1 and <= 86_400, $"round_timeout_seconds must be between 1 and 86400, got {r.RoundTimeoutSeconds}");
        Require(r.EvalEvery >= 0, $"eval_every must be 0 (never) or positive, got {r.EvalEvery}");
        var h = r.HyperParameters ?? throw new ArgumentException("hyper_parameters must be set (epochs, batch_size, learning_rate)");
        // Upper bounds catch typos (epochs=1000000, learning_rate=1e6) before every site spends a round on them.
        Require(h.Epochs is >= 1 and <= MaxEpochs, $"hyper_parameters.epochs must be between 1 and {MaxEpochs}, got {h.Epochs}");
        Require(h.BatchSize is >= 1 and <= MaxBatchSize, $"hyper_parameters.batch_size must be between 1 and {MaxBatchSize}, got {h.BatchSize}");
        Require(h.LearningRate is > 0 and <= MaxLearningRate,
            $"hyper_parameters.learning_rate must be a number in (0, {MaxLearningRate}], got {h.LearningRate}");
        Require(h.FedproxMu >= 0 && double.IsFinite(h.FedproxMu), $"hyper_parameters.fedprox_mu must be 0 or positive, got {h.FedproxMu}");
        var encoding = (DeltaEncoding)(int)r.UpdateEncoding;
        Require(DeltaEncodings.IsDefined(encoding), $"update_encoding {(int)r.UpdateEncoding} is unknown; use one of {string.Join(", ", DeltaEncodings.Names)}");
        var strategy = StrategyRegistry.Create(r.Strategy, r.StrategySettings); // throws on unknown names or settings
        // A round may close with min_sites results; a Krum round with too few of them would fail only after every site trained.
        var byzantine = strategy switch { Krum k => (int?)k.F, MultiKrum m => m.F, _ => null };
        if (byzantine is { } f && Krum.CheckCount(strategy.Name, r.MinSites, f) is { } tooFew)
            throw new ArgumentException($"min_sites {r.MinSites} is too low for the strategy: {tooFew}");
        var centralDp = CentralDpOf(r.CentralDp, strategy, fraction);
        return new RunSettings(r.Rounds, strategy.Name, new Dictionary<string, string>(r.StrategySettings), fraction, r.MinSites,
            TimeSpan.FromSeconds(r.RoundTimeoutSeconds), r.EvalEvery,
            new TrainConfig(h.Epochs, h.BatchSize, h.LearningRate, h.FedproxMu, h.Seed), encoding, centralDp);
    }

    /// <summary>The normalised request to store (defaults filled in), so a restarted coordinator reads the same settings.</summary>
    public StartRunRequest ToRequest(string federationId)
    {
        var request = new StartRunRequest
        {
            FederationId = federationId,
            Rounds = Rounds,
            Strategy = Strategy,
            Fraction = Fraction,
            MinSites = MinSites,
            RoundTimeoutSeconds = (int)RoundTimeout.TotalSeconds,
            EvalEvery = EvalEvery,
            UpdateEncoding = (UpdateEncoding)(int)Encoding,
            HyperParameters = new HyperParameters
            {
                Epochs = Train.Epochs, BatchSize = Train.BatchSize, LearningRate = Train.LearningRate, FedproxMu = Train.FedProxMu, Seed = Train.Seed,
            },
        };
        foreach (var (key, value) in StrategySettings) request.StrategySettings[key] = value;
        if (CentralDp is { } dp)
            request.CentralDp = new CentralPrivacy { Clip = dp.ClipNorm, NoiseMultiplier = dp.NoiseMultiplier, EpsilonBudget = dp.EpsilonBudget, Delta = dp.Delta };
        return request;
    }

    // Central DP's settings checked at run start: valid numbers, a strategy that aggregates a sum, and a budget that
    // admits at least one round at the lowest sampling rate the run can have (the fraction).
    private static CentralDpSettings? CentralDpOf(CentralPrivacy? message, IStrategy strategy, double fraction)
    {
        if (message is null) return null;
        var settings = new CentralDpSettings(message.Clip, message.NoiseMultiplier, message.EpsilonBudget, message.Delta);
        Require(settings.Problem() is null, settings.Problem()!);
        Require(CentralDpStrategy.Check(strategy) is null, CentralDpStrategy.Check(strategy)!);
        var first = settings.Accountant([fraction]).Epsilon(settings.Delta);
        Require(first <= settings.EpsilonBudget,
            $"central DP: one round at sampling rate {fraction} and noise multiplier {settings.NoiseMultiplier} already spends epsilon {first:0.###} > central_dp_epsilon_budget {settings.EpsilonBudget}; raise the noise multiplier or the budget");
        return settings;
    }

    /// <summary>Creates the strategy these settings name.</summary>
    public IStrategy CreateStrategy() => StrategyRegistry.Create(Strategy, StrategySettings);

    /// <summary>
    /// The strategy a run of a federation with <paramref name="adapterSpec"/> uses: wrapped for exact LoRA aggregation when the
    /// spec says agg=exact (see <see cref="ExactLoraStrategy"/>).
    /// </summary>
    /// <exception cref="ArgumentException">agg=exact with a strategy outside the FedAvg family, or with central DP; the message says what to use instead.</exception>
    public IStrategy CreateStrategy(string adapterSpec)
    {
        var strategy = ExactLoraStrategy.For(CreateStrategy(), adapterSpec);
        if (CentralDp is null) return strategy;
        if (CentralDpStrategy.Check(strategy) is { } problem) throw new ArgumentException(problem);
        return new CentralDpStrategy(strategy, CentralDp);
    }

    /// <summary>Most local epochs per round a run may ask for.</summary>
    public const int MaxEpochs = 1000;

    /// <summary>Largest local batch a run may ask for.</summary>
    public const int MaxBatchSize = 65_536;

    /// <summary>Largest learning rate a run may ask for; fine-tuning rates are orders of magnitude below it.</summary>
    public const double MaxLearningRate = 10;

    private static void Require(bool ok, string message)
    {
        if (!ok) throw new ArgumentException(message);
    }
}
