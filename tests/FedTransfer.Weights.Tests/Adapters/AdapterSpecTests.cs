using FedTransfer.Weights.Adapters;

namespace FedTransfer.Weights.Tests.Adapters;

public sealed class AdapterSpecTests
{
    [Fact]
    public void Parse_LoraWithAllKeys_ReadsEveryValue()
    {
        var spec = Assert.IsType<LoraSpec>(AdapterSpec.Parse("lora:r=8,alpha=16,dropout=0.05,targets=attn.qkv|attn.proj"));

        Assert.Equal(8, spec.Rank);
        Assert.Equal(16, spec.Alpha);
        Assert.Equal(0.05, spec.Dropout);
        Assert.Equal(["attn.qkv", "attn.proj"], spec.Targets);
        Assert.Equal(2.0, spec.Scale);
    }

    [Fact]
    public void Parse_LoraDefaults_AlphaTwiceRankAndQkvTarget()
    {
        var spec = Assert.IsType<LoraSpec>(AdapterSpec.Parse("lora:r=4"));

        Assert.Equal(8, spec.Alpha);
        Assert.Equal(["attn.qkv"], spec.Targets);
    }

    [Theory]
    [InlineData("lora:r=4", LoraAggregation.Naive)]
    [InlineData("lora:r=4,agg=naive", LoraAggregation.Naive)]
    [InlineData("lora:r=4,agg=Frozen-A", LoraAggregation.FrozenA)]
    [InlineData("lora:r=4,agg=exact", LoraAggregation.Exact)]
    public void Parse_LoraAgg_ReadsTheMode(string text, LoraAggregation expected)
    {
        var spec = Assert.IsType<LoraSpec>(AdapterSpec.Parse(text));

        Assert.Equal(expected, spec.Aggregation);
        Assert.Equal(expected == LoraAggregation.FrozenA, spec.FreezesA);
    }

    [Theory]
    [InlineData("lora:r=4,agg=mean", "agg='mean' must be naive, frozen-a or exact")]
    [InlineData("lora:r=4,agg=exact,a_seed=3", "a_seed only applies with agg=frozen-a")]
    [InlineData("lora:r=4,agg=frozen-a,a_seed=-1", "a_seed='-1' must be a non-negative integer")]
    public void Parse_LoraBadAgg_NamesTheProblem(string text, string message)
    {
        var e = Assert.Throws<FormatException>(() => AdapterSpec.Parse(text));

        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Equals_DifferentAggregation_NotEqual()
    {
        Assert.NotEqual(AdapterSpec.Parse("lora:r=4,agg=exact"), AdapterSpec.Parse("lora:r=4"));
        Assert.NotEqual(AdapterSpec.Parse("lora:r=4,agg=frozen-a,a_seed=1"), AdapterSpec.Parse("lora:r=4,agg=frozen-a,a_seed=2"));
    }

    [Fact]
    public void Parse_Bottleneck_ReadsReduction()
    {
        var spec = Assert.IsType<BottleneckSpec>(AdapterSpec.Parse("bottleneck:reduction=16"));

        Assert.Equal(16, spec.Reduction);
    }

    [Fact]
    public void Parse_HeadOnlyAndFull_GiveTheirSpecs()
    {
        Assert.IsType<HeadOnlySpec>(AdapterSpec.Parse("head-only"));
        Assert.IsType<FullSpec>(AdapterSpec.Parse(" FULL "));
    }

    [Theory]
    [InlineData("lora:r=8,alpha=16,targets=attn.qkv")]
    [InlineData("lora:r=2,alpha=0.5,dropout=0.1,targets=attn.qkv|mlp.fc*")]
    [InlineData("bottleneck:reduction=4")]
    [InlineData("lora:r=8,alpha=16,targets=attn.qkv|attn.proj,agg=exact")]
    [InlineData("lora:r=8,alpha=16,targets=attn.qkv,agg=frozen-a,a_seed=42")]
    [InlineData("lora:r=8,alpha=16,targets=attn.qkv,agg=frozen-a")]
    [InlineData("head-only")]
    [InlineData("full")]
    public void ToString_Parse_RoundTrips(string text)
    {
        var spec = AdapterSpec.Parse(text);

        Assert.Equal(spec, AdapterSpec.Parse(spec.ToString()));
        Assert.Equal(text, spec.ToString());
    }

    [Theory]
    [InlineData("lora:r=8,alhpa=16", "unknown key 'alhpa' for lora")]
    [InlineData("lora:r=zero", "r='zero' must be an integer >= 1")]
    [InlineData("lora:r=0", "r='0' must be an integer >= 1")]
    [InlineData("lora:dropout=1", "dropout='1' must be a number in [0, 1)")]
    [InlineData("lora:r=8,r=4", "key 'r' is given twice")]
    [InlineData("lora:r", "'r' is not key=value")]
    [InlineData("lora:targets=attn.|x", "targets='attn.|x'")]
    [InlineData("bottleneck:reduction=16,r=2", "unknown key 'r' for bottleneck")]
    [InlineData("prefix:len=4", "unknown adapter kind 'prefix'")]
    [InlineData("head-only:r=2", "head-only takes no settings")]
    [InlineData("full:lr=1", "full takes no settings")]
    [InlineData(" ", "adapter spec is empty")]
    public void Parse_BadSpec_ErrorNamesTheProblem(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => AdapterSpec.Parse(text));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void TryParse_BadSpec_ReturnsFalseWithMessage()
    {
        var ok = AdapterSpec.TryParse("lora:x=1", out var spec, out var error);

        Assert.False(ok);
        Assert.Null(spec);
        Assert.Contains("unknown key 'x'", error);
    }
}
