namespace FedTransfer.Torch.NN;

/// <summary>Inverted dropout: zeroes elements with probability <see cref="P"/> while training, identity in evaluation.</summary>
public sealed class Dropout : Module
{
    /// <summary>Creates a dropout layer with drop probability <paramref name="p"/> in [0, 1).</summary>
    public Dropout(double p)
    {
        if (p is < 0 or >= 1 || double.IsNaN(p))
            throw new ArgumentOutOfRangeException(nameof(p), $"dropout probability must be in [0, 1), got {p}");
        P = p;
    }

    /// <summary>The drop probability.</summary>
    public double P { get; }

    /// <summary>True when this layer changes its input (training with p &gt; 0).</summary>
    public bool IsActive => IsTraining && P > 0;

    /// <summary>Returns <paramref name="input"/> itself when inactive: no copy, no extra native handle.</summary>
    public override Tensor Forward(Tensor input) => IsActive ? Functional.Dropout(input, P, training: true) : input;
}
