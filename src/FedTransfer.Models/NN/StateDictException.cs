namespace FedTransfer.Models.NN;

/// <summary>A state dict does not fit a module: a missing, unexpected, mis-shaped or mis-typed tensor, named in <see cref="TensorName"/>.</summary>
public sealed class StateDictException : Exception
{
    /// <summary>Creates the exception for the tensor called <paramref name="tensorName"/>.</summary>
    public StateDictException(string tensorName, string message) : base(message) => TensorName = tensorName;

    /// <summary>The dotted name of the offending tensor.</summary>
    public string TensorName { get; }
}

/// <summary>What a non-strict <see cref="StateDicts.Load"/> skipped: names the model has but the source lacks, and the reverse.</summary>
public sealed record StateDictLoadResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);
