using FedTransfer.Weights.Adapters;

namespace FedTransfer.Weights.Tests.Adapters;

public sealed class ModulePatternTests
{
    [Theory]
    [InlineData("attn.qkv", "blocks.3.attn.qkv", true)]
    [InlineData("attn.qkv", "attn.qkv", true)]
    [InlineData("qkv", "blocks.0.attn.qkv", true)]
    [InlineData("attn.qkv", "blocks.0.attn.proj", false)]
    [InlineData("tn.qkv", "blocks.0.attn.qkv", false)]
    [InlineData("mlp.fc*", "blocks.1.mlp.fc2", true)]
    [InlineData("layers.*", "layers.0", true)]
    [InlineData("blocks.0.attn.qkv", "blocks.10.attn.qkv", false)]
    [InlineData("blocks.0.attn.qkv", "attn.qkv", false)]
    public void Matches_DottedSuffixWithWildcards(string pattern, string path, bool expected)
    {
        Assert.Equal(expected, new ModulePattern(pattern).Matches(path));
    }
}
