namespace FedTransfer.Federation.Ledger;

/// <summary>
/// Whether a sent result matched the allowlist in force: the trainable set (names, shapes) its task record carried,
/// each tensor in the dtype the task's update encoding prescribes, with consistent byte sizes.
/// </summary>
internal static class AllowlistCheck
{
    /// <summary>Null when <paramref name="push"/> is within the allowlist of its task; else why not, in one line.</summary>
    public static string? Check(LedgerRecord push, LedgerRecord task, LedgerTaskInfo info)
    {
        if (push.Round != task.Round) return $"the result is for round {push.Round} but task '{push.TaskId}' was for round {task.Round}";
        if (push.Declined is not null)
            return push.Tensors is { Length: > 0 } || push.PayloadBytes > 0 ? $"a result declining task '{push.TaskId}' carried a payload" : null;
        if (info.Trainable is null)
            return push.Tensors is { Length: > 0 } || push.PayloadBytes > 0 ? $"task '{push.TaskId}' allows metrics only, but a payload left" : null;
        if (push.PayloadSha256 is not { Length: 64 } sha || !IsLowerHex(sha)) return "the payload digest is not 64 lowercase hex";
        if (push.Tensors is null) return "the sent payload's tensors are not recorded";
        if (push.Encoding is not null && push.Encoding != info.Encoding)
            return $"the payload is encoded {push.Encoding} but the task asked for {info.Encoding}";
        var allowed = info.Trainable.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long total = 0;
        foreach (var t in push.Tensors)
        {
            if (!allowed.TryGetValue(t.Name, out var a)) return $"tensor '{t.Name}' left but is not in task '{push.TaskId}''s trainable set";
            if (!seen.Add(t.Name)) return $"tensor '{t.Name}' left twice";
            var dtype = WireDType(info.Encoding, a.DType);
            if (dtype is null) return $"task '{push.TaskId}' names an unknown update encoding '{info.Encoding}'";
            if (t.DType != dtype) return $"tensor '{t.Name}' left as {t.DType}; the task's {info.Encoding} encoding of a {a.DType} tensor is {dtype}";
            if (!t.Shape.AsSpan().SequenceEqual(a.Shape)) return $"tensor '{t.Name}' left with shape [{string.Join(", ", t.Shape)}], allowed [{string.Join(", ", a.Shape)}]";
            var size = ElementSize(dtype);
            long elements = 1;
            foreach (var d in t.Shape) elements = checked(elements * d);
            if (t.Bytes != elements * size) return $"tensor '{t.Name}' is recorded as {t.Bytes} bytes; {dtype} [{string.Join(", ", t.Shape)}] is {elements * size}";
            total += t.Bytes;
        }
        if (seen.Count != allowed.Count)
            return $"the payload lacks tensor '{allowed.Keys.First(k => !seen.Contains(k))}' of the trainable set";
        if (push.PayloadBytes is not { } bytes || bytes < total) return $"the payload is recorded as {push.PayloadBytes} bytes, less than its tensors' {total}";
        return null;
    }

    /// <summary>The dtype a tensor of <paramref name="trainedDType"/> travels in under an update encoding; null for an unknown encoding.</summary>
    public static string? WireDType(string encoding, string trainedDType) => encoding switch
    {
        "float32" => trainedDType,
        "float16" => "F16",
        "bfloat16" => "BF16",
        "int8" => "U8",
        _ => null,
    };

    /// <summary>Bytes per element of a safetensors dtype name (0 when unknown, which no recorded size matches).</summary>
    public static long ElementSize(string dtype) => dtype switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "U8" or "I8" or "BOOL" => 1,
        _ => 0,
    };

    private static bool IsLowerHex(string s) => s.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));
}
