using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Runs;
using Xunit;

namespace FedTransfer.Coordinator.Tests.Runs;

public sealed class SecureAggregationRunRefusalTests
{
    private const string FrozenA = "lora:r=4,alpha=8,targets=attn.qkv,agg=frozen-a";

    private static StartRunRequest Request(string strategy, params (string Key, string Value)[] settings)
    {
        var request = new StartRunRequest { Strategy = strategy };
        foreach (var (key, value) in settings) request.StrategySettings[key] = value;
        return request;
    }

    [Fact]
    public void For_WithoutTheSetting_IsNull()
    {
        Assert.Null(SecureAggregationRunRefusal.For(Request("median"), FrozenA));
    }

    [Theory]
    [InlineData("median", "strategy median")]
    [InlineData("trimmed_mean", "strategy trimmed_mean")]
    [InlineData("krum", "strategy krum")]
    [InlineData("multikrum", "strategy multikrum")]
    public void For_ARobustStrategy_GivesTheCompatibilityReason(string strategy, string expected)
    {
        var refusal = SecureAggregationRunRefusal.For(Request(strategy, ("secure_aggregation", "true")), FrozenA);

        Assert.NotNull(refusal);
        Assert.Contains(expected, refusal);
        Assert.Contains("use one of", refusal);
        Assert.DoesNotContain('\n', refusal);
    }

    [Fact]
    public void For_ClipNorm_GivesTheCompatibilityReason()
    {
        var refusal = SecureAggregationRunRefusal.For(Request("fedavg", ("secure_aggregation", "true"), ("clip_norm", "1.5")), FrozenA);

        Assert.Contains("clip_norm", refusal);
    }

    [Fact]
    public void For_ExactLora_GivesTheCompatibilityReason()
    {
        var refusal = SecureAggregationRunRefusal.For(Request("fedavg", ("secure_aggregation", "true")), "lora:r=4,alpha=8,targets=attn.qkv,agg=exact");

        Assert.Contains("agg=exact", refusal);
        Assert.Contains("agg=frozen-a", refusal);
    }

    [Fact]
    public void For_ACompatibleStrategy_IsStillRefusedBecauseRoundsDoNotMaskYet()
    {
        var refusal = SecureAggregationRunRefusal.For(Request("fedavg", ("secure_aggregation", "true")), FrozenA);

        Assert.Contains("not available to runs yet", refusal);
        Assert.Contains("unmasked", refusal);
    }

    [Theory]
    [InlineData("yes", "is not true or false")]
    [InlineData("false", "is the default")]
    public void For_OtherValues_AreRefusedInOneLine(string value, string expected)
    {
        var refusal = SecureAggregationRunRefusal.For(Request("fedavg", ("secure_aggregation", value)), FrozenA);

        Assert.Contains(expected, refusal);
    }
}
