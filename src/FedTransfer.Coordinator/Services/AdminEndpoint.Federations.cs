using System.Security.Cryptography;
using System.Text;
using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Artifacts;
using FedTransfer.Coordinator.Persistence;
using FedTransfer.Coordinator.Runs;
using FedTransfer.Federation.Export;
using FedTransfer.Federation.Privacy;
using FedTransfer.Weights.Adapters;
using FedTransfer.Weights.Serialization;
using Grpc.Core;
using Google.Protobuf;
using TrainableSet = FedTransfer.Federation.Updates.TrainableSet;

namespace FedTransfer.Coordinator;

/// <summary>Federations, runs, status and export.</summary>
internal sealed partial class AdminEndpoint
{
    private Task<FederationInfo> CreateFederationAsync(CreateFederationRequest request)
    {
        var name = request.Name.Trim();
        if (name.Length == 0 || Encoding.UTF8.GetByteCount(name) > 128) throw Invalid("name must be 1..128 bytes");
        if (request.AdapterSpec.Trim().Length == 0) throw Invalid("adapter_spec must be set, e.g. lora:r=8,alpha=16,targets=attn.qkv");
        // The coordinator reads the spec for the LoRA aggregation mode (agg=exact changes how it aggregates): refuse a typo now.
        if (!FedTransfer.Weights.Adapters.AdapterSpec.TryParse(request.AdapterSpec, out _, out var specError)) throw Invalid(specError!);
        RequireStored(request.BackboneDigest, "backbone_digest");
        RequireStored(request.InitialAdapterDigest, "initial_adapter_digest");
        ReadHeader(request.BackboneDigest, "the backbone", requireFinite: true);
        var trainable = TrainableOf(request.InitialAdapterDigest, requireFinite: true);
        var row = new FederationRow("fed-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)), name, request.BackboneDigest,
            request.AdapterSpec.Trim(), request.TaskSpec.Trim(), request.InitialAdapterDigest, NowMs);
        var stored = catalog.AddFederation(row);
        if (stored.FederationId != row.FederationId && (stored.BackboneDigest, stored.AdapterSpec, stored.TaskSpec, stored.InitialAdapterDigest) !=
            (row.BackboneDigest, row.AdapterSpec, row.TaskSpec, row.InitialAdapterDigest))
            throw new RpcException(new Status(StatusCode.AlreadyExists, $"a federation named '{name}' already exists with different settings ({stored.FederationId}); choose another name"));
        return Task.FromResult(ToInfo(stored, trainable));
    }

    private Task<RunInfo> StartRunAsync(StartRunRequest request)
    {
        var federation = catalog.FindFederation(request.FederationId)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"no federation '{request.FederationId}'; create it first (CreateFederation)"));
        if (SecureAggregationRunRefusal.For(request, federation.AdapterSpec) is { } refusal) throw Invalid(refusal);
        RunSettings settings;
        try
        {
            settings = RunSettings.Parse(request);
            settings.CreateStrategy(federation.AdapterSpec); // refuses agg=exact with a robust strategy before the run exists
        }
        catch (ArgumentException e)
        {
            throw Invalid(e.Message);
        }
        var initial = store.Get(federation.InitialAdapterDigest);
        var run = new RunRow("run-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)), federation.FederationId, RowValues.Running,
            settings.ToRequest(federation.FederationId).ToByteArray(), 0, initial.Digest, "", NowMs);
        runs.Insert(run, initial.SizeBytes);
        control.Start(run.RunId);
        return Task.FromResult(ToInfo(run));
    }

    private StatusResponse StatusOf(GetStatusRequest request)
    {
        var response = new StatusResponse { CoordinatorVersion = FederationEndpoint.Version };
        foreach (var (site, lastSeen) in sites.All())
        {
            response.Sites.Add(new SiteInfo
            {
                SiteId = site.SiteId, DisplayName = site.DisplayName, SoftwareVersion = site.SoftwareVersion, Device = site.Device,
                ExampleCounts = new ExampleCounts { Train = site.TrainExamples, Validation = site.ValidationExamples },
                State = sites.IsOnline(site.SiteId) ? SiteState.Online : SiteState.Offline,
                LastSeenUnixMs = lastSeen, JoinedUnixMs = site.JoinedMs,
            });
        }
        foreach (var federation in catalog.Federations()) response.Federations.Add(ToInfo(federation, null));
        var all = runs.All().Where(r => request.RunId.Length == 0 || r.RunId == request.RunId).ToArray();
        if (request.RunId.Length > 0 && all.Length == 0) throw new RpcException(new Status(StatusCode.NotFound, $"no run '{request.RunId}'"));
        foreach (var run in all) response.Runs.Add(ToInfo(run));
        return response;
    }

    private async Task<ArtifactRef> ExportAsync(ExportModelRequest request, CancellationToken ct)
    {
        var run = runs.Find(request.RunId) ?? throw new RpcException(new Status(StatusCode.NotFound, $"no run '{request.RunId}'"));
        var round = request.Round == 0 ? run.CompletedRounds : request.Round;
        var adapter = runs.AdapterVersion(run.RunId, round)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"run {run.RunId} has no global adapter for round {round} (completed rounds: {run.CompletedRounds})"));
        if (request.Kind != ExportKind.Merged) return ProtoMapping.ToRef(adapter.Digest, adapter.SizeBytes);

        // LoRA folded into the base weights (a plain model); bottleneck adapters cannot be folded and travel beside the backbone.
        var federation = catalog.FindFederation(run.FederationId)!;
        var backbone = SafeTensors.Read(await store.ReadAllVerifiedAsync(federation.BackboneDigest, ct).ConfigureAwait(false), "backbone");
        var tensors = SafeTensors.Read(await store.ReadAllVerifiedAsync(adapter.Digest, ct).ConfigureAwait(false), "adapter").Tensors;
        IReadOnlyList<TensorRecord> model;
        string how;
        try
        {
            (model, how) = MergedModel.Merge(backbone.Tensors, tensors, AdapterSpec.Parse(federation.AdapterSpec));
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"run {run.RunId} round {round}: the adapter cannot be merged into the backbone: {e.Message}"));
        }
        var metadata = new Dictionary<string, string>
        {
            ["fedtransfer.adapter_spec"] = federation.AdapterSpec, ["fedtransfer.task_spec"] = federation.TaskSpec,
            ["fedtransfer.run"] = run.RunId, ["fedtransfer.round"] = round.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [MergedModel.MergeKey] = how,
        };
        var merged = SafeTensors.Serialize(model, metadata);
        var info = await store.PutAsync(merged, ct).ConfigureAwait(false);
        catalog.AddArtifact(new ArtifactRow(info.Digest, info.SizeBytes, ProtoMapping.SafetensorsMediaType, $"{run.RunId}-round{round}-merged.safetensors", NowMs));
        return ProtoMapping.ToRef(info);
    }

    private void RequireStored(string digest, string field)
    {
        if (!Sha256Digest.IsValid(digest)) throw Invalid($"{field} must be a SHA-256 digest (64 lowercase hex characters)");
        if (!store.Exists(digest)) throw new RpcException(new Status(StatusCode.NotFound, $"{field} {digest} is not stored; upload it first (UploadArtifact)"));
    }

    /// <param name="requireFinite">Also read every weight, in the same pass, and refuse a NaN or infinity: a NaN would surface
    /// rounds later as every site's non-finite loss, so federation create refuses it while it is one upload.</param>
    private SafeTensorsHeader ReadHeader(string digest, string what, bool requireFinite = false)
    {
        try
        {
            using var stream = store.OpenRead(digest);
            var header = SafeTensors.ReadHeader(stream, what);
            if (requireFinite && FedTransfer.Federation.Updates.UpdateValidator.CheckAllFinite(stream, header, what) is { IsValid: false } check)
                throw Invalid($"{what} ({digest[..12]}…) has non-finite weights: {check.Reason}; upload weights without NaN or infinity");
            return header;
        }
        catch (SafeTensorsFormatException e)
        {
            throw Invalid($"{what} ({digest[..12]}…) is not a valid safetensors file: {e.Message}");
        }
    }

    private TrainableSet TrainableOf(string initialAdapterDigest, bool requireFinite = false)
    {
        try
        {
            return TrainableSet.FromHeader(ReadHeader(initialAdapterDigest, "the initial adapter", requireFinite));
        }
        catch (ArgumentException e)
        {
            throw Invalid($"the initial adapter cannot be the trainable set: {e.Message}");
        }
    }

    private FederationInfo ToInfo(FederationRow row, TrainableSet? trainable)
    {
        var info = new FederationInfo
        {
            FederationId = row.FederationId, Name = row.Name, AdapterSpec = row.AdapterSpec, TaskSpec = row.TaskSpec, CreatedUnixMs = row.CreatedMs,
            Backbone = ProtoMapping.ToRef(row.BackboneDigest, store.TryGetSize(row.BackboneDigest) ?? 0),
            InitialAdapter = ProtoMapping.ToRef(row.InitialAdapterDigest, store.TryGetSize(row.InitialAdapterDigest) ?? 0),
        };
        trainable ??= store.Exists(row.InitialAdapterDigest) ? TrainableOf(row.InitialAdapterDigest) : null;
        if (trainable is not null) info.Trainable = ProtoMapping.ToMessage(trainable);
        return info;
    }

    private RunInfo ToInfo(RunRow row)
    {
        var current = runs.AdapterVersion(row.RunId, row.CompletedRounds);
        var settings = StartRunRequest.Parser.ParseFrom(row.Settings);
        var finished = row.State == RowValues.Finished;
        return new RunInfo
        {
            RunId = row.RunId, FederationId = row.FederationId, Rounds = settings.Rounds, CompletedRounds = row.CompletedRounds,
            State = row.State switch
            {
                RowValues.Running => RunState.Running, RowValues.Paused => RunState.Paused, RowValues.Finished => RunState.Finished,
                RowValues.Failed => RunState.Failed, RowValues.Cancelled => RunState.Cancelled, _ => RunState.Unspecified,
            },
            CurrentAdapter = current is { } c ? ProtoMapping.ToRef(c.Digest, c.SizeBytes) : null,
            // For a finished run the column holds why it stopped early (central DP budget), not a failure.
            FailureReason = finished ? "" : row.FailureReason, FinishReason = finished ? row.FailureReason : "",
            CreatedUnixMs = row.CreatedMs, Settings = settings,
            CentralDpEpsilon = settings.CentralDp is { } dp
                ? CentralPrivacySpend.EpsilonSoFar(runs, row.RunId, new CentralDpSettings(dp.Clip, dp.NoiseMultiplier, dp.EpsilonBudget, dp.Delta))
                : 0,
        };
    }
}
