using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Strategies;

/// <summary>The second-moment rule that tells FedAdagrad, FedAdam and FedYogi apart: vₜ from vₜ₋₁ and Δₜ².</summary>
internal delegate double SecondMomentRule(double previous, double deltaSquared, double beta2);

/// <summary>The settings of Reddi et al.'s Algorithm 2, parsed from text with the paper's recommended defaults.</summary>
/// <param name="Eta">η, the server learning rate.</param>
/// <param name="Beta1">β₁, first-moment decay.</param>
/// <param name="Beta2">β₂, second-moment decay (unused by FedAdagrad).</param>
/// <param name="Tau">τ, the adaptivity: added to √v and the initial v is τ².</param>
/// <param name="AcceptFailures">Whether a round with failed sites still aggregates the valid results.</param>
public sealed record AdaptiveSettings(double Eta, double Beta1, double Beta2, double Tau, bool AcceptFailures)
{
    internal static AdaptiveSettings Parse(string strategy, IReadOnlyDictionary<string, string>? values, bool usesBeta2)
    {
        string[] known = usesBeta2 ? ["eta", "beta1", "beta2", "tau", "accept_failures"] : ["eta", "beta1", "tau", "accept_failures"];
        var s = new StrategySettings(strategy, values, known);
        return new AdaptiveSettings(
            s.Double("eta", 0.01, double.Epsilon, 10.0),
            s.Double("beta1", 0.9, 0.0, 0.999_999),
            usesBeta2 ? s.Double("beta2", 0.99, 0.0, 0.999_999) : 0.0,
            s.Double("tau", 1e-3, 1e-12, 1.0),
            s.Boolean("accept_failures", true));
    }
}

/// <summary>
/// Algorithm 2 of Reddi, Charles, Zaheer, Garrett, Rush, Konečný, Kumar, McMahan, "Adaptive Federated Optimization"
/// (ICLR 2021), shared by FedAdagrad, FedAdam and FedYogi. With Δₜ the example-weighted mean of the sites' deltas:
/// mₜ = β₁·mₜ₋₁ + (1 − β₁)·Δₜ; vₜ = rule(vₜ₋₁, Δₜ²); xₜ₊₁ = xₜ + η·mₜ / (√vₜ + τ); m₋₁ = 0, v₋₁ = τ².
/// (The paper averages the Δᵢ uniformly; weighting by examples keeps the FedAvg family consistent and equals it for
/// equal counts.) m and v are server state stored with every round; memory is three adapters whatever the sites.
/// </summary>
internal static class AdaptiveServerOptimizer
{
    public const string FirstMomentSlot = "m";
    public const string SecondMomentSlot = "v";

    /// <summary>One server step in place over one tensor; math in double, stored as float32.</summary>
    public static void Step(Span<float> x, Span<float> m, Span<float> v, ReadOnlySpan<float> delta, AdaptiveSettings s, SecondMomentRule rule)
    {
        if (x.Length != m.Length || x.Length != v.Length || x.Length != delta.Length)
            throw new ArgumentException("x, m, v and the mean delta must have the same length");
        for (var i = 0; i < x.Length; i++)
        {
            double d = delta[i];
            var mi = s.Beta1 * m[i] + (1 - s.Beta1) * d;
            var vi = rule(v[i], d * d, s.Beta2);
            m[i] = (float)mi;
            v[i] = (float)vi;
            x[i] = (float)(x[i] + s.Eta * mi / (Math.Sqrt(Math.Max(vi, 0)) + s.Tau));
        }
    }

    /// <summary>The streaming train accumulator applying <see cref="Step"/> to every tensor at the end of the round.</summary>
    public static ITrainAccumulator Begin(int round, GlobalAdapter global, AdaptiveSettings s, SecondMomentRule rule) =>
        new MeanDeltaAccumulator(round, global, s.AcceptFailures, sums =>
        {
            var initialV = (float)(s.Tau * s.Tau);
            var next = new List<TensorRecord>(global.Trainable.Count);
            var state = new List<TensorRecord>(2 * global.Trainable.Count);
            for (var i = 0; i < global.Trainable.Count; i++)
            {
                var spec = global.Trainable.Tensors[i];
                var x = GlobalTensors.Read(global, spec);
                var m = ServerStateTensors.Read(global.ServerState, FirstMomentSlot, spec, 0f);
                var v = ServerStateTensors.Read(global.ServerState, SecondMomentSlot, spec, initialV);
                Step(x, m, v, FedAvgM.MeanOf(sums.Sum(i), sums.TotalWeight), s, rule);
                next.Add(GlobalTensors.Write(spec, x));
                state.Add(ServerStateTensors.Write(FirstMomentSlot, spec, m));
                state.Add(ServerStateTensors.Write(SecondMomentSlot, spec, v));
            }
            return (next, state);
        });
}
