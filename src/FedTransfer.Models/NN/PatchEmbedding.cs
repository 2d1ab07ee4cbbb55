using static TorchSharp.torch;

namespace FedTransfer.Models.NN;

/// <summary>
/// Cuts an image into non-overlapping patch×patch squares and projects each to a token: a Conv2d with kernel = stride = patch
/// (<c>proj</c>), flattened to [batch, patches, dim].
/// </summary>
public sealed class PatchEmbedding : TransferModule
{
    /// <summary>Creates the embedding for <paramref name="imageSize"/>² images with <paramref name="channels"/> channels.</summary>
    public PatchEmbedding(long imageSize, long patchSize, long channels, long dim) : base(nameof(PatchEmbedding))
    {
        if (patchSize <= 0 || imageSize <= 0 || imageSize % patchSize != 0)
            throw new ArgumentException($"image size {imageSize} must be a positive multiple of the patch size {patchSize}", nameof(patchSize));
        ImageSize = imageSize;
        Channels = channels;
        Dim = dim;
        GridSize = imageSize / patchSize;
        AddChild("proj", Layers.Conv2d(channels, dim, patchSize, stride: patchSize));
    }

    /// <summary>Side of the square input image.</summary>
    public long ImageSize { get; }

    /// <summary>Input channels.</summary>
    public long Channels { get; }

    /// <summary>Token width.</summary>
    public long Dim { get; }

    /// <summary>Patches per side.</summary>
    public long GridSize { get; }

    /// <summary>Number of patch tokens (grid²).</summary>
    public long NumPatches => GridSize * GridSize;

    /// <summary>Maps [B, C, H, W] images to [B, patches, dim] tokens.</summary>
    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 4 || input.shape[1] != Channels || input.shape[2] != ImageSize || input.shape[3] != ImageSize)
            throw new ArgumentException(
                $"patch embedding expects images [batch, {Channels}, {ImageSize}, {ImageSize}], got [{string.Join(", ", input.shape)}]", nameof(input));
        var grid = Child("proj").call(input);
        return grid.view(input.shape[0], Dim, NumPatches).transpose(1, 2);
    }
}
