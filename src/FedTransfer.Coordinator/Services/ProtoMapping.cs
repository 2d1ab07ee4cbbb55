using System.Text.Json;
using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Artifacts;
using FedTransfer.Weights;
using TrainableSet = FedTransfer.Federation.Updates.TrainableSet;
using TrainableSetMessage = FedTransfer.Contracts.V1.TrainableSet;

namespace FedTransfer.Coordinator;

/// <summary>Conversions between the coordinator's types and the wire messages.</summary>
internal static class ProtoMapping
{
    /// <summary>The media type of every tensor artifact.</summary>
    public const string SafetensorsMediaType = "application/vnd.safetensors";

    public static ArtifactRef ToRef(ArtifactInfo info, string mediaType = SafetensorsMediaType) =>
        new() { Digest = info.Digest, SizeBytes = info.SizeBytes, MediaType = mediaType };

    public static ArtifactRef ToRef(string digest, long sizeBytes) => ToRef(new ArtifactInfo(digest, sizeBytes));

    public static TrainableSetMessage ToMessage(TrainableSet set)
    {
        var message = new TrainableSetMessage { ParameterCount = set.ParameterCount };
        foreach (var t in set.Tensors)
        {
            var spec = new TensorSpec { Name = t.Name, Dtype = ToMessage(t.DType) };
            spec.Shape.AddRange(t.Shape);
            message.Tensors.Add(spec);
        }
        return message;
    }

    public static TensorDType ToMessage(DType dtype) => dtype switch
    {
        DType.Float32 => TensorDType.F32,
        DType.Float16 => TensorDType.F16,
        DType.BFloat16 => TensorDType.Bf16,
        DType.Float64 => TensorDType.F64,
        DType.Int64 => TensorDType.I64,
        _ => TensorDType.Unspecified,
    };

    public static string MetricsJson(IReadOnlyDictionary<string, double> metrics) =>
        JsonSerializer.Serialize(metrics.Where(kv => double.IsFinite(kv.Value)).ToDictionary(kv => kv.Key, kv => kv.Value));

    public static Dictionary<string, double> ParseMetrics(string json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<Dictionary<string, double>>(json) ?? [];

    public static ResultOutcome ToOutcome(string outcome) => outcome switch
    {
        Persistence.RowValues.Accepted => ResultOutcome.Accepted,
        Persistence.RowValues.Rejected => ResultOutcome.Rejected,
        Persistence.RowValues.Late => ResultOutcome.Late,
        _ => ResultOutcome.Unspecified,
    };
}
