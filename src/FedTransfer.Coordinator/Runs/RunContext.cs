using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Artifacts;
using FedTransfer.Coordinator.Persistence;
using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Updates;
using FedTransfer.Weights.Serialization;
using TrainableSet = FedTransfer.Federation.Updates.TrainableSet;
using TrainableSetMessage = FedTransfer.Contracts.V1.TrainableSet;

namespace FedTransfer.Coordinator.Runs;

/// <summary>
/// What stays fixed for a run (federation, settings, strategy, trainable set, backbone) plus the round currently
/// accepting results, if any. Result intake reads <see cref="Active"/>; the run's driver replaces it each round.
/// </summary>
internal sealed class RunContext
{
    private readonly CancellationTokenSource _halt = new();
    private ActiveRound? _active;

    private RunContext(string runId, FederationRow federation, RunSettings settings, TrainableSet trainable, ArtifactRef backbone)
    {
        RunId = runId;
        Federation = federation;
        Settings = settings;
        Strategy = settings.CreateStrategy(federation.AdapterSpec);
        Trainable = trainable;
        Validator = new UpdateValidator(trainable, settings.Encoding);
        Backbone = backbone;
        TrainableProto = ProtoMapping.ToMessage(trainable);
    }

    public string RunId { get; }
    public FederationRow Federation { get; }
    public RunSettings Settings { get; }
    public IStrategy Strategy { get; }
    public TrainableSet Trainable { get; }
    public UpdateValidator Validator { get; }
    public ArtifactRef Backbone { get; }
    public TrainableSetMessage TrainableProto { get; }

    /// <summary>
    /// Opens a stored update for aggregation, decoded from the run's update encoding to the trainable set's dtypes: strategies
    /// only ever see as-trained tensors.
    /// </summary>
    public Func<Stream> Decoded(Func<Stream> openStored, string source) =>
        () => DeltaCodec.OpenDecoded(openStored(), Settings.Encoding, Trainable, source);

    /// <summary>Cancelled when the run is cancelled: its driver stops waiting and gives the round up.</summary>
    public CancellationToken Halted => _halt.Token;

    /// <summary>Stops the run's driver where it waits (the run's state was already changed by <see cref="RunControl"/>).</summary>
    public void Halt() => _halt.Cancel();

    /// <summary>The round accepting results now, or null between rounds.</summary>
    public ActiveRound? Active
    {
        get => Volatile.Read(ref _active);
        set => Volatile.Write(ref _active, value);
    }

    /// <summary>Loads a run's context from the database and the artifact store.</summary>
    /// <exception cref="InvalidOperationException">The run's federation, settings or artifacts are missing or unreadable; the message says which.</exception>
    public static RunContext Load(RunRow run, CatalogStore catalog, ArtifactStore store)
    {
        try
        {
            return LoadUnchecked(run, catalog, store);
        }
        catch (Exception e) when (e is not InvalidOperationException and not OperationCanceledException)
        {
            throw new InvalidOperationException($"run {run.RunId} cannot be loaded: {e.Message}", e);
        }
    }

    private static RunContext LoadUnchecked(RunRow run, CatalogStore catalog, ArtifactStore store)
    {
        var federation = catalog.FindFederation(run.FederationId)
            ?? throw new InvalidOperationException($"run {run.RunId} refers to federation {run.FederationId}, which does not exist");
        var settings = RunSettings.Parse(StartRunRequest.Parser.ParseFrom(run.Settings));
        using var initial = store.OpenRead(federation.InitialAdapterDigest);
        var trainable = TrainableSet.FromHeader(SafeTensors.ReadHeader(initial, federation.InitialAdapterDigest));
        var backbone = ProtoMapping.ToRef(store.Get(federation.BackboneDigest));
        return new RunContext(run.RunId, federation, settings, trainable, backbone);
    }
}
