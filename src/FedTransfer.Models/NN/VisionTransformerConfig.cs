using System.Text.Json;
using System.Text.Json.Serialization;

namespace FedTransfer.Models.NN;

/// <summary>
/// Shape of a <see cref="VisionTransformer"/>. Saved as JSON beside the backbone's safetensors so a loader can rebuild the
/// exact architecture before loading weights. The defaults are the small Fashion-MNIST backbone (28×28, 16 patches of 7×7).
/// </summary>
public sealed record VisionTransformerConfig
{
    /// <summary>Side of the square input image in pixels.</summary>
    public int ImageSize { get; init; } = 28;

    /// <summary>Input channels (1 for grey-scale).</summary>
    public int Channels { get; init; } = 1;

    /// <summary>Side of a square patch; must divide <see cref="ImageSize"/>.</summary>
    public int PatchSize { get; init; } = 7;

    /// <summary>Token width.</summary>
    public int Dim { get; init; } = 64;

    /// <summary>Number of transformer blocks.</summary>
    public int Depth { get; init; } = 4;

    /// <summary>Attention heads; must divide <see cref="Dim"/>.</summary>
    public int Heads { get; init; } = 4;

    /// <summary>MLP hidden width as a multiple of <see cref="Dim"/>.</summary>
    public double MlpRatio { get; init; } = 2.0;

    /// <summary>Number of output classes of the head.</summary>
    public int Classes { get; init; } = 5;

    /// <summary>Dropout probability inside blocks and after the position embedding.</summary>
    public double Dropout { get; init; }

    /// <summary>Number of patch tokens (without the class token).</summary>
    [JsonIgnore]
    public int NumPatches => ImageSize / PatchSize * (ImageSize / PatchSize);

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first inconsistent field.</summary>
    public VisionTransformerConfig Validate()
    {
        static void Require(bool ok, string message)
        {
            if (!ok)
                throw new ArgumentException($"vision transformer config: {message}");
        }
        Require(ImageSize > 0 && Channels > 0 && PatchSize > 0, $"image_size ({ImageSize}), channels ({Channels}) and patch_size ({PatchSize}) must be positive");
        Require(ImageSize % PatchSize == 0, $"patch_size {PatchSize} must divide image_size {ImageSize}");
        Require(Dim > 0 && Depth > 0 && Heads > 0 && Classes > 0, $"dim ({Dim}), depth ({Depth}), heads ({Heads}) and classes ({Classes}) must be positive");
        Require(Dim % Heads == 0, $"heads {Heads} must divide dim {Dim}");
        Require(MlpRatio > 0 && double.IsFinite(MlpRatio), $"mlp_ratio must be positive, got {MlpRatio}");
        Require(Dropout is >= 0 and < 1, $"dropout must be in [0, 1), got {Dropout}");
        return this;
    }

    /// <summary>Indented snake_case JSON (<c>image_size</c>, <c>patch_size</c>, …).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Parses and validates JSON written by <see cref="ToJson"/>; unknown fields are an error.</summary>
    public static VisionTransformerConfig FromJson(string json)
    {
        VisionTransformerConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<VisionTransformerConfig>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new FormatException($"vision transformer config is not valid JSON: {e.Message}", e);
        }
        return (config ?? throw new FormatException("vision transformer config is empty (JSON null)")).Validate();
    }

    /// <summary>Writes <see cref="ToJson"/> to <paramref name="path"/>.</summary>
    public void Save(string path) => File.WriteAllText(path, ToJson());

    /// <summary>Reads a config file, with the path in any error.</summary>
    public static VisionTransformerConfig Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"backbone config '{path}' does not exist; run `fedtransfer pretrain` first or pass the right --backbone directory", path);
        try
        {
            return FromJson(File.ReadAllText(path));
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new FormatException($"{path}: {e.Message}", e);
        }
    }
}
