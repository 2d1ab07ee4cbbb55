using FedTransfer.Site.Policy;
using FedTransfer.Site.Tests.Support;
using FedTransfer.Weights.Adapters;

namespace FedTransfer.Site.Tests.Policy;

public sealed class FederationRuleTests
{
    [Theory]
    [InlineData("lora:r=8,alpha=16,targets=attn.qkv", true)]
    [InlineData("lora:alpha=16, r=8", true)] // same spec: key order and defaults do not matter
    [InlineData("lora:r=8,alpha=32", false)]
    [InlineData("lora:r=8,targets=attn.qkv|attn.proj", false)]
    [InlineData("bottleneck:reduction=16", false)]
    public void AllowsAdapter_ExactSpec_MatchesTheParsedSpecOnly(string spec, bool expected)
    {
        // Arrange
        var rule = new FederationRule(TestTasks.BackboneDigest, AdapterSpec.Parse("lora:r=8,alpha=16,targets=attn.qkv"), null, null, null);

        // Act / Assert
        Assert.Equal(expected, rule.AllowsAdapter(spec));
    }

    [Theory]
    [InlineData("lora:r=16", true)]
    [InlineData("lora:r=4,targets=attn.qkv|attn.proj", true)]
    [InlineData("lora:r=17", false)]
    [InlineData("bottleneck:reduction=16", false)]
    [InlineData("lora:r=x", false)]
    public void AllowsAdapter_LoraUpToRank_ComparesRank(string spec, bool expected) =>
        Assert.Equal(expected, new FederationRule(TestTasks.BackboneDigest, null, "lora", 16, null).AllowsAdapter(spec));

    [Theory]
    [InlineData("bottleneck:reduction=8", true)]
    [InlineData("bottleneck:reduction=32", true)]
    [InlineData("bottleneck:reduction=4", false)]
    [InlineData("lora:r=1", false)]
    public void AllowsAdapter_BottleneckMinReduction_ComparesReduction(string spec, bool expected) =>
        Assert.Equal(expected, new FederationRule(TestTasks.BackboneDigest, null, "bottleneck", null, 8).AllowsAdapter(spec));
}
