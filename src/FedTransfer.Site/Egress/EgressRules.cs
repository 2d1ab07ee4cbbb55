using System.Globalization;
using System.Text;
using FedTransfer.Contracts.V1;
using FedTransfer.Federation.Updates;
using FedTransfer.Site.Configuration;
using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;
using ProtoTrainableSet = FedTransfer.Contracts.V1.TrainableSet;
using TrainableSet = FedTransfer.Federation.Updates.TrainableSet;

namespace FedTransfer.Site.Egress;

/// <summary>
/// The allowlist of what may leave a site, as pure functions: each returns null when a message may go, or one line
/// saying why not. Kept apart from the sending so every rule can be tested without a network.
/// </summary>
internal static class EgressRules
{
    public static string? CheckJoin(JoinRequest r)
    {
        var nameBytes = Encoding.UTF8.GetByteCount(r.DisplayName);
        if (nameBytes is < 1 or > 128) return $"display name must be 1..128 UTF-8 bytes, got {nameBytes}";
        if (Encoding.UTF8.GetByteCount(r.SoftwareVersion) > 64) return "software version is longer than 64 bytes";
        if (r.Device is null) return "device information is missing";
        if (!SiteOptionsValidator.IsDeviceText(r.Device.Device) || r.Device.Device.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase))
            return $"device '{r.Device.Device}' is not a resolved device name (cpu or cuda:N)";
        if (Encoding.UTF8.GetByteCount(r.Device.AcceleratorName) > 128) return "accelerator name is longer than 128 bytes";
        if (r.Device.AcceleratorMemoryBytes < 0 || r.Device.CpuCores < 0) return "device figures must not be negative";
        if (r.ExampleCounts is null) return "example counts are missing";
        if (r.ExampleCounts.Train < 0 || r.ExampleCounts.Validation < 0) return "example counts must not be negative";
        return null;
    }

    public static string? CheckSession(string sessionId, string? current) => current is null
        ? "no session is open; join first"
        : sessionId == current ? null : "the session id is not the one the coordinator issued";

    public static string? CheckPull(PullTaskRequest r, string? session) =>
        CheckSession(r.SessionId, session) ?? (r.MaxWaitMs is < 0 or > 60000 ? $"max wait {r.MaxWaitMs} ms is outside 0..60000" : null);

    public static string? CheckFetch(string digest, long offset, IEnumerable<TaskGrant> grants)
    {
        if (!IsDigest(digest)) return $"'{Shorten(digest)}' is not a SHA-256 digest (64 lowercase hex)";
        if (offset < 0) return $"offset {offset} is negative";
        return grants.Any(g => g.Digests.Contains(digest)) ? null : $"artifact {digest[..12]}… is not named by any task this site received";
    }

    /// <summary>Checks a result header (before the gateway fills in the payload's size and digest) and its payload.</summary>
    public static string? CheckResult(ResultHeader h, ReadOnlyMemory<byte> payload, TaskGrant? grant, string? session)
    {
        if (grant is null) return $"task '{Shorten(h.TaskId)}' was never handed to this site";
        if (CheckSession(h.SessionId, session) is { } bad) return bad;
        if (h.Round != grant.Round) return $"round {h.Round} differs from the task's round {grant.Round}";
        if (h.Declined != DeclineReason.Unspecified) return EgressPolicyRules.CheckDecline(h, payload);
        if (h.ExampleCount <= 0) return $"example count must be positive, got {h.ExampleCount}";
        // The allowed names are declared once in ResultMetrics, which the coordinator enforces too.
        if (ResultMetrics.Check(h.Metrics, grant.IsTrain) is { } metrics) return metrics;
        return grant.IsTrain ? CheckDelta(h, payload, grant.Trainable!, grant.Encoding) : CheckNoPayload(h, payload);
    }

    private static string? CheckNoPayload(ResultHeader h, ReadOnlyMemory<byte> payload) =>
        h.PayloadEncoding != PayloadEncoding.None || payload.Length != 0 || h.PayloadTotalBytes != 0 || h.PayloadSha256.Length != 0
            ? "an evaluate result carries metrics only: payload encoding NONE and no payload bytes"
            : null;

    private static string? CheckDelta(ResultHeader h, ReadOnlyMemory<byte> payload, TrainableSet trainable, DeltaEncoding encoding)
    {
        if (h.PayloadEncoding != PayloadEncoding.Safetensors) return $"a train result must be SAFETENSORS, not {h.PayloadEncoding}";
        if ((int)h.UpdateEncoding != (int)encoding) return $"update encoding {h.UpdateEncoding} differs from the task's {encoding.ToText()}";
        SafeTensorsFile file;
        try
        {
            file = SafeTensors.Read(payload);
        }
        catch (SafeTensorsFormatException e)
        {
            return $"the payload is not valid safetensors: {e.Message}";
        }
        // Metadata is free text: the validator (the same one the coordinator runs) lets a delta leave with tensors alone, except
        // for exactly the numeric scale / zero point keys of the int8 encoding; here they must also be in canonical form.
        var verdict = new UpdateValidator(trainable, encoding).Validate(file.Tensors, h.ExampleCount, file.Metadata);
        return verdict.IsValid ? CheckCanonicalMetadata(file.Metadata) : verdict.Reason;
    }

    // The int8 values must be written exactly as the encoder writes them (round-trip "R" scales, plain zero points): a value
    // that merely parses (" 0.5", "5e-1", "007") would let free text choose among spellings of one number.
    private static string? CheckCanonicalMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        foreach (var (key, value) in metadata)
        {
            var canonical = key.EndsWith(".scale", StringComparison.Ordinal)
                ? double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d.ToString("R", CultureInfo.InvariantCulture) : null
                : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i.ToString(CultureInfo.InvariantCulture) : null;
            if (canonical != value) return $"metadata '{Shorten(key)}' = '{Shorten(value)}' is not written in the encoding's canonical form ('{canonical}')";
        }
        return null;
    }

    /// <summary>Converts the wire description of the trainable set; throws <see cref="FormatException"/> when it is unusable.</summary>
    public static TrainableSet ToTrainableSet(ProtoTrainableSet set)
    {
        if (set is null || set.Tensors.Count == 0) throw new FormatException("the task names no trainable tensors");
        try
        {
            return TrainableSet.Create(set.Tensors.Select(t => new TrainableTensor(t.Name, ToDType(t.Dtype, t.Name), [.. t.Shape])));
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"the task's trainable set is invalid: {e.Message}", e);
        }
    }

    /// <summary>The task's update encoding; throws <see cref="FormatException"/> for one this site does not know.</summary>
    public static DeltaEncoding ToEncoding(UpdateEncoding encoding) => DeltaEncodings.IsDefined((DeltaEncoding)(int)encoding)
        ? (DeltaEncoding)(int)encoding
        : throw new FormatException($"the task asks for update encoding {(int)encoding}, which this site version does not know; upgrade the site");

    public static DType ToDType(TensorDType dtype, string name) => dtype switch
    {
        TensorDType.F32 => DType.Float32,
        TensorDType.F16 => DType.Float16,
        TensorDType.Bf16 => DType.BFloat16,
        TensorDType.F64 => DType.Float64,
        TensorDType.I64 => DType.Int64,
        _ => throw new FormatException($"tensor '{name}' has no dtype ({dtype}) in the task's trainable set"),
    };

    public static bool IsDigest(string? s) =>
        s is { Length: 64 } && s.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

    private static string Shorten(string s) => s.Length <= 80 ? s : s[..77] + "...";
}
