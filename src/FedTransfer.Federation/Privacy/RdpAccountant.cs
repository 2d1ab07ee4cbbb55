namespace FedTransfer.Federation.Privacy;

/// <summary>How an RDP curve becomes an (ε, δ) guarantee.</summary>
public enum RdpConversion
{
    /// <summary>
    /// ε = min_α [ rdp(α) + log((α − 1)/α) − (log δ + log α)/(α − 1) ] (Balle, Barthe, Gaboardi, Hsu, Sato, "Hypothesis
    /// Testing Interpretations and Rényi Differential Privacy", AISTATS 2020, Thm 21; Canonne, Kamath, Steinke 2020,
    /// Prop. 12). Always at most <see cref="Classic"/>; it is what Opacus reports. The default.
    /// </summary>
    Improved,

    /// <summary>ε = min_α [ rdp(α) − log(δ)/(α − 1) ] (Mironov 2017, Prop. 3): what TensorFlow Privacy's tutorials reported.</summary>
    Classic,
}

/// <summary>
/// Composes sampled Gaussian steps (RDP adds up over steps, order by order) and converts the total to (ε, δ) over a grid
/// of orders. Immutable: <see cref="Compose"/> returns a new accountant, so a planned step can be tried without
/// spending it (<c>accountant.Compose(q, z).Epsilon(δ)</c>).
/// </summary>
public sealed class RdpAccountant
{
    /// <summary>
    /// The orders TensorFlow Privacy's DP-SGD accounting uses: 1.25, 1.5, 1.75, 2, 2.25, 2.5, 3, 3.5, 4, 4.5, every
    /// integer 5..63, then 128, 256, 512.
    /// </summary>
    public static IReadOnlyList<double> DefaultOrders { get; } =
        [1.25, 1.5, 1.75, 2, 2.25, 2.5, 3, 3.5, 4, 4.5, .. Enumerable.Range(5, 59).Select(i => (double)i), 128, 256, 512];

    private readonly double[] _orders;
    private readonly double[] _rdp;

    /// <summary>An accountant that has spent nothing, over <paramref name="orders"/> (default <see cref="DefaultOrders"/>).</summary>
    public RdpAccountant(IReadOnlyList<double>? orders = null)
    {
        _orders = [.. orders ?? DefaultOrders];
        if (_orders.Length == 0 || _orders.Any(a => !(a > 1) || !double.IsFinite(a)))
            throw new ArgumentException("RDP orders must be a non-empty list of finite numbers > 1", nameof(orders));
        _rdp = new double[_orders.Length];
    }

    private RdpAccountant(double[] orders, double[] rdp, int steps)
    {
        _orders = orders;
        _rdp = rdp;
        Steps = steps;
    }

    /// <summary>Steps composed so far.</summary>
    public int Steps { get; }

    /// <summary>The orders of the grid.</summary>
    public IReadOnlyList<double> Orders => _orders;

    /// <summary>The accumulated RDP at each order of <see cref="Orders"/>.</summary>
    public IReadOnlyList<double> Rdp => _rdp;

    /// <summary>This accountant plus <paramref name="steps"/> sampled Gaussian steps at rate q and noise multiplier z.</summary>
    /// <exception cref="ArgumentOutOfRangeException">q outside [0, 1], z negative or not finite, steps negative.</exception>
    public RdpAccountant Compose(double samplingRate, double noiseMultiplier, int steps = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        var rdp = new double[_rdp.Length];
        for (var i = 0; i < rdp.Length; i++)
            rdp[i] = _rdp[i] + steps * SampledGaussianRdp.Rdp(samplingRate, noiseMultiplier, _orders[i]);
        return new RdpAccountant(_orders, rdp, Steps + steps);
    }

    /// <summary>ε at <paramref name="delta"/>, minimised over the orders; 0 before any step, +∞ after a step without noise.</summary>
    /// <exception cref="ArgumentOutOfRangeException">δ outside (0, 1).</exception>
    public double Epsilon(double delta, RdpConversion conversion = RdpConversion.Improved) => EpsilonAndOrder(delta, conversion).Epsilon;

    /// <summary>ε at <paramref name="delta"/> and the order that attains it.</summary>
    public (double Epsilon, double Order) EpsilonAndOrder(double delta, RdpConversion conversion = RdpConversion.Improved)
    {
        if (!(delta is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(delta), delta, "delta must be in (0, 1)");
        if (Steps == 0) return (0, double.NaN);
        var best = (Epsilon: double.PositiveInfinity, Order: double.NaN);
        for (var i = 0; i < _orders.Length; i++)
        {
            var epsilon = ToEpsilon(_rdp[i], _orders[i], delta, conversion);
            if (epsilon < best.Epsilon) best = (epsilon, _orders[i]);
        }
        return (Math.Max(0, best.Epsilon), best.Order);
    }

    /// <summary>One order's (ε, δ) from its RDP value, by <paramref name="conversion"/>.</summary>
    public static double ToEpsilon(double rdp, double order, double delta, RdpConversion conversion) => conversion switch
    {
        RdpConversion.Classic => rdp - Math.Log(delta) / (order - 1),
        _ => rdp + Math.Log((order - 1) / order) - (Math.Log(delta) + Math.Log(order)) / (order - 1),
    };

    /// <summary>
    /// ε after <paramref name="steps"/> identical steps: the figure a ledger record or a run's round reports, recomputable
    /// from its recorded parameters alone.
    /// </summary>
    public static double EpsilonAfter(double samplingRate, double noiseMultiplier, int steps, double delta) =>
        new RdpAccountant().Compose(samplingRate, noiseMultiplier, steps).Epsilon(delta);
}
