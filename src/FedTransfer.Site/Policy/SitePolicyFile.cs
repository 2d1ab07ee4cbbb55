using System.Text.Json;
using FedTransfer.Weights.Adapters;

namespace FedTransfer.Site.Policy;

/// <summary>
/// Reads a site policy file strictly: unknown or repeated keys, wrong types and out-of-range values are errors, each one
/// line naming the file and the key (<c>federations[1].maxRank</c>), so a typo can never silently widen what a site sends.
/// <code>
/// {
///   "federations": [
///     { "backboneSha256": "&lt;64 hex&gt;", "adapterSpec": "lora:r=8,alpha=16,targets=attn.qkv" },
///     { "backboneSha256": "&lt;64 hex&gt;", "adapterKind": "lora", "maxRank": 16 }
///   ],
///   "minTrainExamples": 200,
///   "localPrivacy": { "clipNorm": 1.0, "noiseMultiplier": 1.1 },
///   "privacyBudget": { "maxEpsilon": 8, "delta": 1e-5, "amplifyBySampling": false }
/// }
/// </code>
/// Every key is optional: no <c>federations</c> accepts any federation, no <c>minTrainExamples</c> means 0, no
/// <c>localPrivacy</c> sends deltas unclipped and without noise, no <c>privacyBudget</c> spends without a limit.
/// <c>privacyBudget</c> (per federation; needs <c>localPrivacy</c> with noise) declines a train task once one more round
/// would take the federation's ε past <c>maxEpsilon</c>.
/// </summary>
internal static class SitePolicyFile
{
    private static readonly string[] TopKeys = ["federations", "minTrainExamples", "localPrivacy", "privacyBudget"];
    private static readonly string[] BudgetKeys = ["maxEpsilon", "delta", "amplifyBySampling"];
    private static readonly string[] FederationKeys = ["backboneSha256", "adapterSpec", "adapterKind", "maxRank", "minReduction"];
    private static readonly string[] PrivacyKeys = ["clipNorm", "noiseMultiplier"];

    /// <summary>Loads and checks <paramref name="path"/>.</summary>
    /// <exception cref="SitePolicyException">The file is missing, unreadable or breaks a rule; the message is one line.</exception>
    public static SitePolicy Load(string path)
    {
        var full = Path.GetFullPath(path);
        string text;
        try
        {
            text = File.ReadAllText(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SitePolicyException($"policy file '{full}': cannot be read ({e.Message}); check Site:PolicyFile");
        }
        return Parse(text, full);
    }

    /// <summary>Parses policy JSON; <paramref name="source"/> names it in errors.</summary>
    public static SitePolicy Parse(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw Error(source, "", $"is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}); fix the syntax");
        }
        using (document)
        {
            var root = Object(document.RootElement, source, "", TopKeys);
            IReadOnlyList<FederationRule>? federations = null;
            if (root.TryGetValue("federations", out var list))
            {
                if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
                    throw Error(source, "federations", "must be a non-empty array of {backboneSha256, adapterSpec | adapterKind}; remove the key to accept any federation");
                federations = list.EnumerateArray().Select((f, i) => Federation(f, source, $"federations[{i}]")).ToList();
            }
            var min = root.TryGetValue("minTrainExamples", out var m) ? Integer(m, source, "minTrainExamples", 0) : 0;
            var privacy = root.TryGetValue("localPrivacy", out var p) ? Privacy(p, source) : null;
            var budget = root.TryGetValue("privacyBudget", out var b) ? Budget(b, source, privacy) : null;
            return new SitePolicy(federations, min, privacy, budget);
        }
    }

    private static FederationRule Federation(JsonElement element, string source, string at)
    {
        var keys = Object(element, source, at, FederationKeys);
        if (!keys.TryGetValue("backboneSha256", out var digestElement))
            throw Error(source, $"{at}.backboneSha256", "is missing; give the backbone's SHA-256 (as `fedtransfer` lists it)");
        var digest = String(digestElement, source, $"{at}.backboneSha256");
        if (!Egress.EgressRules.IsDigest(digest))
            throw Error(source, $"{at}.backboneSha256", $"'{digest}' is not a SHA-256 digest (64 lowercase hex characters)");
        var hasSpec = keys.TryGetValue("adapterSpec", out var specElement);
        var hasKind = keys.TryGetValue("adapterKind", out var kindElement);
        if (hasSpec == hasKind)
            throw Error(source, at, "needs exactly one of adapterSpec (an exact spec) or adapterKind (a pattern: lora with maxRank, bottleneck with minReduction)");
        if (hasSpec)
        {
            if (keys.ContainsKey("maxRank") || keys.ContainsKey("minReduction"))
                throw Error(source, at, "maxRank and minReduction go with adapterKind, not with an exact adapterSpec");
            var specText = String(specElement, source, $"{at}.adapterSpec");
            if (!AdapterSpec.TryParse(specText, out var spec, out var why))
                throw Error(source, $"{at}.adapterSpec", why!);
            return new FederationRule(digest, spec, null, null, null);
        }
        var kind = String(kindElement, source, $"{at}.adapterKind");
        if (kind is not ("lora" or "bottleneck"))
            throw Error(source, $"{at}.adapterKind", $"'{kind}' is not an adapter kind; use lora or bottleneck");
        int? maxRank = keys.TryGetValue("maxRank", out var r) ? (int)Integer(r, source, $"{at}.maxRank", 1, int.MaxValue) : null;
        int? minReduction = keys.TryGetValue("minReduction", out var d) ? (int)Integer(d, source, $"{at}.minReduction", 1, int.MaxValue) : null;
        if (kind == "lora" && minReduction is not null) throw Error(source, $"{at}.minReduction", "applies to bottleneck adapters; for lora use maxRank");
        if (kind == "bottleneck" && maxRank is not null) throw Error(source, $"{at}.maxRank", "applies to lora adapters; for bottleneck use minReduction");
        return new FederationRule(digest, null, kind, maxRank, minReduction);
    }

    private static PrivacyParameters Privacy(JsonElement element, string source)
    {
        var keys = Object(element, source, "localPrivacy", PrivacyKeys);
        if (!keys.TryGetValue("clipNorm", out var c)) throw Error(source, "localPrivacy.clipNorm", "is missing; give the L2 norm deltas are clipped to, e.g. 1.0");
        if (!keys.TryGetValue("noiseMultiplier", out var z)) throw Error(source, "localPrivacy.noiseMultiplier", "is missing; give the noise std as a multiple of clipNorm (0 clips without noise)");
        var clip = Number(c, source, "localPrivacy.clipNorm");
        if (!(clip > 0)) throw Error(source, "localPrivacy.clipNorm", $"must be > 0, got {clip}");
        var noise = Number(z, source, "localPrivacy.noiseMultiplier");
        if (!(noise >= 0)) throw Error(source, "localPrivacy.noiseMultiplier", $"must be >= 0, got {noise}");
        return new PrivacyParameters(clip, noise);
    }

    private static PrivacyBudget Budget(JsonElement element, string source, PrivacyParameters? privacy)
    {
        var keys = Object(element, source, "privacyBudget", BudgetKeys);
        if (privacy is not { NoiseMultiplier: > 0 })
            throw Error(source, "privacyBudget", "needs localPrivacy with a noiseMultiplier > 0 (without noise every round spends an unbounded epsilon)");
        if (!keys.TryGetValue("maxEpsilon", out var e)) throw Error(source, "privacyBudget.maxEpsilon", "is missing; give the most epsilon one federation may spend, e.g. 8");
        if (!keys.TryGetValue("delta", out var d)) throw Error(source, "privacyBudget.delta", "is missing; give the delta of the guarantee, e.g. 1e-5");
        var epsilon = Number(e, source, "privacyBudget.maxEpsilon");
        if (!(epsilon > 0)) throw Error(source, "privacyBudget.maxEpsilon", $"must be > 0, got {epsilon}");
        var delta = Number(d, source, "privacyBudget.delta");
        if (!(delta is > 0 and < 1)) throw Error(source, "privacyBudget.delta", $"must be in (0, 1), got {delta}");
        var amplify = false;
        if (keys.TryGetValue("amplifyBySampling", out var a))
            amplify = a.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Error(source, "privacyBudget.amplifyBySampling", $"must be true or false, got {a.GetRawText()}"),
            };
        return new PrivacyBudget(epsilon, delta, amplify);
    }

    // An object's properties, refusing keys outside `allowed` and keys given twice (JSON allows both; a policy must not).
    private static Dictionary<string, JsonElement> Object(JsonElement element, string source, string at, string[] allowed)
    {
        if (element.ValueKind != JsonValueKind.Object) throw Error(source, at, $"must be a JSON object, got {element.ValueKind}");
        var keys = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var key = at.Length == 0 ? property.Name : $"{at}.{property.Name}";
            if (!allowed.Contains(property.Name, StringComparer.Ordinal))
                throw Error(source, key, $"is not a policy key; expected {string.Join(", ", allowed)} (names are case-sensitive)");
            if (!keys.TryAdd(property.Name, property.Value)) throw Error(source, key, "is given twice");
        }
        return keys;
    }

    private static string String(JsonElement e, string source, string at) =>
        e.ValueKind == JsonValueKind.String && e.GetString() is { Length: > 0 } s ? s : throw Error(source, at, "must be a non-empty string");

    private static double Number(JsonElement e, string source, string at) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out var d) && double.IsFinite(d) ? d : throw Error(source, at, $"must be a number, got {e.ValueKind}");

    private static long Integer(JsonElement e, string source, string at, long min, long max = long.MaxValue) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var n) && n >= min && n <= max
            ? n
            : throw Error(source, at, $"must be an integer >= {min}, got {e.GetRawText()}");

    private static SitePolicyException Error(string source, string key, string message) =>
        new(key.Length == 0 ? $"policy file '{source}': {message}" : $"policy file '{source}': {key}: {message}");
}
