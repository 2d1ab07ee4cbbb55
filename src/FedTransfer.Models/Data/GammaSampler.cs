namespace FedTransfer.Models.Data;

/// <summary>
/// Gamma and Dirichlet sampling on <see cref="SeededRandom"/>. Gamma uses Marsaglia and Tsang, "A simple method for
/// generating gamma variables" (ACM TOMS 2000), with the u^(1/a) boost for shape &lt; 1.
/// </summary>
public static class GammaSampler
{
    /// <summary>One sample of Gamma(shape, 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Shape is not positive and finite.</exception>
    public static double NextGamma(this SeededRandom rng, double shape)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (!(shape > 0) || double.IsInfinity(shape))
            throw new ArgumentOutOfRangeException(nameof(shape), shape, "Gamma shape must be positive and finite.");
        if (shape < 1)
        {
            // Gamma(a) = Gamma(a + 1) · U^(1/a): keeps the fast squeeze of the a ≥ 1 method for small shapes.
            var boost = Math.Pow(1 - rng.NextDouble(), 1 / shape);
            return rng.NextGamma(shape + 1) * boost;
        }
        var d = shape - 1.0 / 3;
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = rng.NextGaussian();
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            var u = 1 - rng.NextDouble(); // (0, 1]: Log below stays finite
            var x2 = x * x;
            if (u < 1 - 0.0331 * x2 * x2) return d * v;
            if (Math.Log(u) < 0.5 * x2 + d * (1 - v + Math.Log(v))) return d * v;
        }
    }

    /// <summary>One sample of a symmetric Dirichlet(alpha, ..., alpha) over <paramref name="count"/> categories.</summary>
    /// <returns>Non-negative proportions summing to 1.</returns>
    public static double[] NextDirichlet(this SeededRandom rng, double alpha, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var p = new double[count];
        double sum = 0;
        for (var i = 0; i < count; i++) sum += p[i] = rng.NextGamma(alpha);
        if (sum <= 0 || double.IsInfinity(sum))
        {
            // With tiny alpha every gamma draw can underflow to 0; the Dirichlet limit is then all mass on one category.
            Array.Clear(p);
            p[rng.NextInt(count)] = 1;
            return p;
        }
        for (var i = 0; i < count; i++) p[i] /= sum;
        return p;
    }
}
