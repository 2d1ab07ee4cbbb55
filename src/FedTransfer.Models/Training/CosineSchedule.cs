namespace FedTransfer.Models.Training;

/// <summary>
/// Linear warm-up to the peak learning rate, then cosine decay to <c>peak · minFactor</c>: the usual ViT schedule, which
/// matters in short runs where a constant rate leaves accuracy on the table.
/// </summary>
public sealed class CosineSchedule
{
    private readonly double _peak;
    private readonly long _warmup;
    private readonly long _total;
    private readonly double _minFactor;

    /// <summary>Creates a schedule over <paramref name="totalSteps"/> steps with <paramref name="warmupSteps"/> of warm-up.</summary>
    public CosineSchedule(double peak, long totalSteps, long warmupSteps = 0, double minFactor = 0.0)
    {
        if (totalSteps <= 0 || warmupSteps < 0 || warmupSteps > totalSteps)
            throw new ArgumentOutOfRangeException(nameof(totalSteps), $"schedule needs total > 0 and 0 <= warmup <= total, got total={totalSteps}, warmup={warmupSteps}");
        _peak = peak;
        _total = totalSteps;
        _warmup = warmupSteps;
        _minFactor = minFactor;
    }

    /// <summary>Learning rate for the 0-based <paramref name="step"/>; steps past the end stay at the floor.</summary>
    public double At(long step)
    {
        if (step < _warmup)
            return _peak * (step + 1) / _warmup;
        var progress = _total == _warmup ? 1.0 : Math.Min(1.0, (double)(step - _warmup) / (_total - _warmup));
        var cosine = 0.5 * (1 + Math.Cos(Math.PI * progress));
        return _peak * (_minFactor + (1 - _minFactor) * cosine);
    }
}
