namespace FedTransfer.Weights.Serialization;

/// <summary>The expected name, dtype and shape of one tensor.</summary>
/// <param name="Name">Tensor name.</param>
/// <param name="DType">Expected element type.</param>
/// <param name="Shape">Expected dimensions.</param>
public sealed record TensorSpec(string Name, DType DType, long[] Shape)
{
    /// <summary>The spec of an existing record (e.g. to build a schema from a reference file).</summary>
    public static TensorSpec Of(TensorRecord record) => new(record.Name, record.DType, record.Shape);

    /// <summary>The spec of a header entry.</summary>
    public static TensorSpec Of(SafeTensorsEntry entry) => new(entry.Name, entry.DType, entry.Shape);
}

/// <summary>How a set of tensors departs from a <see cref="SafeTensorsSchema"/>.</summary>
public enum SchemaViolationKind
{
    /// <summary>An expected tensor is absent.</summary>
    Missing,
    /// <summary>A tensor is present that the schema does not list.</summary>
    Unexpected,
    /// <summary>The tensor's dtype differs from the expected one.</summary>
    DTypeMismatch,
    /// <summary>The tensor's shape differs from the expected one.</summary>
    ShapeMismatch,
}

/// <summary>One departure from the schema, naming the tensor.</summary>
/// <param name="Kind">What kind of departure.</param>
/// <param name="TensorName">The offending tensor.</param>
/// <param name="Message">One line for a person: what, which tensor, expected vs found.</param>
public sealed record SchemaViolation(SchemaViolationKind Kind, string TensorName, string Message);

/// <summary>
/// Strict loading: the exact set of tensor names, dtypes and shapes a file must hold (a model's state dict, the
/// trainable set of an adapter update). Violations are listed in a deterministic order, each naming its tensor.
/// </summary>
public sealed class SafeTensorsSchema
{
    private readonly Dictionary<string, TensorSpec> _expected;

    /// <summary>Creates a schema from the expected tensors.</summary>
    /// <exception cref="ArgumentException">Two specs share a name.</exception>
    public SafeTensorsSchema(IEnumerable<TensorSpec> expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        _expected = new Dictionary<string, TensorSpec>(StringComparer.Ordinal);
        foreach (var spec in expected)
        {
            if (!_expected.TryAdd(spec.Name, spec)) throw new ArgumentException($"Schema lists tensor '{spec.Name}' twice.", nameof(expected));
        }
    }

    /// <summary>The expected tensors.</summary>
    public IReadOnlyCollection<TensorSpec> Expected => _expected.Values;

    /// <summary>Compares <paramref name="actual"/> with the schema.</summary>
    /// <param name="actual">The tensors found.</param>
    /// <param name="allowMissing">Accept a subset of the expected names (non-strict loading).</param>
    /// <param name="allowUnexpected">Accept names the schema does not list.</param>
    /// <returns>Violations ordered by kind then name; empty when the tensors conform.</returns>
    public IReadOnlyList<SchemaViolation> Check(IEnumerable<TensorSpec> actual, bool allowMissing = false, bool allowUnexpected = false)
    {
        ArgumentNullException.ThrowIfNull(actual);
        var found = new HashSet<string>(StringComparer.Ordinal);
        var violations = new List<SchemaViolation>();
        foreach (var a in actual)
        {
            found.Add(a.Name);
            if (!_expected.TryGetValue(a.Name, out var e))
            {
                if (!allowUnexpected)
                    violations.Add(new(SchemaViolationKind.Unexpected, a.Name, $"tensor '{a.Name}' ({a.DType.ToSafeTensorsName()} {TensorShape.Format(a.Shape)}) is not expected"));
                continue;
            }
            if (e.DType != a.DType)
                violations.Add(new(SchemaViolationKind.DTypeMismatch, a.Name, $"tensor '{a.Name}' has dtype {a.DType.ToSafeTensorsName()}, expected {e.DType.ToSafeTensorsName()}"));
            if (!TensorShape.SameShape(e.Shape, a.Shape))
                violations.Add(new(SchemaViolationKind.ShapeMismatch, a.Name, $"tensor '{a.Name}' has shape {TensorShape.Format(a.Shape)}, expected {TensorShape.Format(e.Shape)}"));
        }
        if (!allowMissing)
        {
            foreach (var e in _expected.Values.Where(e => !found.Contains(e.Name)))
                violations.Add(new(SchemaViolationKind.Missing, e.Name, $"tensor '{e.Name}' ({e.DType.ToSafeTensorsName()} {TensorShape.Format(e.Shape)}) is missing"));
        }
        violations.Sort(static (x, y) => x.Kind != y.Kind ? x.Kind.CompareTo(y.Kind) : string.CompareOrdinal(x.TensorName, y.TensorName));
        return violations;
    }

    /// <summary>Compares a file's tensors with the schema.</summary>
    public IReadOnlyList<SchemaViolation> Check(SafeTensorsFile file, bool allowMissing = false, bool allowUnexpected = false) =>
        Check(file.Tensors.Select(TensorSpec.Of), allowMissing, allowUnexpected);

    /// <summary>Compares a header's entries with the schema (no tensor data needed).</summary>
    public IReadOnlyList<SchemaViolation> Check(SafeTensorsHeader header, bool allowMissing = false, bool allowUnexpected = false) =>
        Check(header.Tensors.Select(TensorSpec.Of), allowMissing, allowUnexpected);

    /// <summary>Throws when <paramref name="file"/> does not conform.</summary>
    /// <exception cref="SafeTensorsSchemaException">Names the first offending tensor and lists every violation.</exception>
    public void EnsureConforms(SafeTensorsFile file, bool allowMissing = false, bool allowUnexpected = false) =>
        Throw(Check(file, allowMissing, allowUnexpected), file.FileName);

    /// <summary>Throws when the header's entries do not conform.</summary>
    /// <exception cref="SafeTensorsSchemaException">Names the first offending tensor and lists every violation.</exception>
    public void EnsureConforms(SafeTensorsHeader header, string? fileName = null, bool allowMissing = false, bool allowUnexpected = false) =>
        Throw(Check(header, allowMissing, allowUnexpected), fileName);

    private static void Throw(IReadOnlyList<SchemaViolation> violations, string? fileName)
    {
        if (violations.Count > 0) throw new SafeTensorsSchemaException(violations, fileName);
    }
}

/// <summary>The tensors of a file do not match the expected schema.</summary>
public sealed class SafeTensorsSchemaException : SafeTensorsFormatException
{
    /// <summary>Creates the exception; the message starts with the first violation and counts the rest.</summary>
    public SafeTensorsSchemaException(IReadOnlyList<SchemaViolation> violations, string? fileName = null)
        : base(Summarize(violations), fileName, violations[0].TensorName)
    {
        Violations = violations;
    }

    /// <summary>Every violation found, ordered by kind then name.</summary>
    public IReadOnlyList<SchemaViolation> Violations { get; }

    private static string Summarize(IReadOnlyList<SchemaViolation> violations)
    {
        ArgumentOutOfRangeException.ThrowIfZero(violations.Count);
        var first = violations[0].Message;
        var rest = violations.Count - 1;
        return rest == 0 ? first : $"{first} (and {rest} more: {string.Join("; ", violations.Skip(1).Take(4).Select(v => v.Message))}{(rest > 4 ? "; ..." : "")})";
    }
}
