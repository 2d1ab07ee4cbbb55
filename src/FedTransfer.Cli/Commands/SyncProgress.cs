namespace FedTransfer.Cli.Commands;

/// <summary>
/// An <see cref="IProgress{T}"/> that calls back on the reporting thread, unlike <see cref="Progress{T}"/>, which posts to
/// a synchronisation context and would let reports arrive after training has finished.
/// </summary>
internal sealed class SyncProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
