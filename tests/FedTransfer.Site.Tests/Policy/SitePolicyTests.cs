using FedTransfer.Contracts.V1;
using FedTransfer.Site.Policy;
using FedTransfer.Site.Tests.Support;
using FedTransfer.Weights.Adapters;

namespace FedTransfer.Site.Tests.Policy;

public sealed class SitePolicyTests
{
    private static readonly string Allowed = TestTasks.BackboneDigest;
    private static readonly string Other = TestTasks.Digest("another backbone");

    private static SitePolicy Policy(long minExamples = 0) =>
        new([new FederationRule(Allowed, AdapterSpec.Parse("lora:r=2"), null, null, null)], minExamples, null);

    [Theory]
    [InlineData(true, 40)]
    [InlineData(false, 0)]
    public void Judge_AllowedFederationEnoughExamples_Takes(bool isTrain, long examples) =>
        Assert.Equal(DeclineReason.Unspecified, Policy(minExamples: 40).Judge(Allowed, "lora:r=2", isTrain, examples));

    [Fact]
    public void Judge_UnknownBackbone_DeclinesBackboneNotAllowed() =>
        Assert.Equal(DeclineReason.BackboneNotAllowed, Policy().Judge(Other, "lora:r=2", true, 1000));

    [Theory]
    [InlineData("lora:r=4")]
    [InlineData("bottleneck:reduction=16")]
    [InlineData("not a spec")]
    public void Judge_KnownBackboneOtherAdapter_DeclinesAdapterNotAllowed(string spec) =>
        Assert.Equal(DeclineReason.AdapterNotAllowed, Policy().Judge(Allowed, spec, true, 1000));

    [Fact]
    public void Judge_TooFewTrainExamples_DeclinesTrainButNotEvaluate()
    {
        // Arrange
        var policy = Policy(minExamples: 41);

        // Act
        var train = policy.Judge(Allowed, "lora:r=2", isTrain: true, trainExamples: 40);
        var evaluate = policy.Judge(Allowed, "lora:r=2", isTrain: false, trainExamples: 40);

        // Assert
        Assert.Equal(DeclineReason.TooFewExamples, train);
        Assert.Equal(DeclineReason.Unspecified, evaluate);
    }

    [Fact]
    public void Judge_Permissive_TakesAnything() =>
        Assert.Equal(DeclineReason.Unspecified, SitePolicy.Permissive.Judge(Other, "anything", true, 0));

    [Fact]
    public void Explain_TooFewExamples_NamesCountAndMinimum() =>
        Assert.Equal("the site holds 40 train examples, fewer than the policy's minimum of 41",
            Policy(41).Explain(DeclineReason.TooFewExamples, Allowed, "lora:r=2", 40));
}
