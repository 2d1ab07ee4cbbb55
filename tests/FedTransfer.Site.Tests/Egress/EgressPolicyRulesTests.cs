using FedTransfer.Contracts.V1;
using FedTransfer.Site.Egress;
using FedTransfer.Site.Policy;
using FedTransfer.Site.Tests.Support;
using FedTransfer.Weights.Adapters;

namespace FedTransfer.Site.Tests.Egress;

public sealed class EgressPolicyRulesTests
{
    private static readonly TaskGrant Grant = new("task-1", true, 1, EgressRules.ToTrainableSet(TestTasks.Trainable()),
        new HashSet<string>(), BackboneDigest: TestTasks.BackboneDigest, AdapterSpec: "lora:r=2");

    private static SitePolicy Policy(string backbone, PrivacyParameters? privacy = null, long min = 0) =>
        new([new FederationRule(backbone, AdapterSpec.Parse("lora:r=2"), null, null, null)], min, privacy);

    private static ResultHeader Decline(DeclineReason reason) => new() { SessionId = "session-1", TaskId = "task-1", Round = 1, Declined = reason };

    [Fact]
    public void CheckDecline_CodeOnly_MayGo() =>
        Assert.Null(EgressPolicyRules.CheckDecline(Decline(DeclineReason.TooFewExamples), ReadOnlyMemory<byte>.Empty));

    [Fact]
    public void CheckDecline_WithPayload_IsRefused() =>
        Assert.Equal("a decline carries no payload", EgressPolicyRules.CheckDecline(Decline(DeclineReason.BackboneNotAllowed), new byte[] { 1 }));

    [Fact]
    public void CheckDecline_WithMetrics_IsRefused()
    {
        var header = Decline(DeclineReason.BackboneNotAllowed);
        header.Metrics["train_loss"] = 0.5;
        Assert.Equal("a decline carries no metrics", EgressPolicyRules.CheckDecline(header, ReadOnlyMemory<byte>.Empty));
    }

    [Fact]
    public void CheckDecline_WithExampleCount_IsRefused()
    {
        var header = Decline(DeclineReason.TooFewExamples);
        header.ExampleCount = 12; // would tell the coordinator how many examples the site holds
        Assert.Equal("a decline carries no example count", EgressPolicyRules.CheckDecline(header, ReadOnlyMemory<byte>.Empty));
    }

    [Fact]
    public void CheckDecline_WithUpdateEncoding_IsRefused()
    {
        var header = Decline(DeclineReason.AdapterNotAllowed);
        header.UpdateEncoding = UpdateEncoding.AffineInt8;
        Assert.Equal("a decline carries no update encoding", EgressPolicyRules.CheckDecline(header, ReadOnlyMemory<byte>.Empty));
    }

    [Fact]
    public void CheckDecline_UndefinedCode_IsRefused() =>
        Assert.Contains("not one of the defined codes", EgressPolicyRules.CheckDecline(Decline((DeclineReason)77), ReadOnlyMemory<byte>.Empty));

    [Fact]
    public void CheckPolicy_ResultForAFederationOutsideThePolicy_IsRefused() =>
        Assert.Contains("outside the site policy", EgressPolicyRules.CheckPolicy(TestTasks.Header(), Grant, Policy(TestTasks.Digest("other")), null));

    [Fact]
    public void CheckPolicy_DeclineForAFederationOutsideThePolicy_MayGo() =>
        Assert.Null(EgressPolicyRules.CheckPolicy(Decline(DeclineReason.BackboneNotAllowed), Grant, Policy(TestTasks.Digest("other")), null));

    [Fact]
    public void CheckPolicy_FewerExamplesThanTheMinimum_IsRefused() =>
        Assert.Contains("fewer than the site policy's minimum of 41", EgressPolicyRules.CheckPolicy(TestTasks.Header(), Grant, Policy(TestTasks.BackboneDigest, min: 41), null));

    [Fact]
    public void CheckPolicy_PrivacyRequiredButNotApplied_IsRefused() =>
        Assert.Contains("was not privatised", EgressPolicyRules.CheckPolicy(TestTasks.Header(), Grant, Policy(TestTasks.BackboneDigest, new PrivacyParameters(1, 1)), null));

    [Fact]
    public void CheckPolicy_PrivacyWithOtherParameters_IsRefused() =>
        Assert.Contains("not the policy's", EgressPolicyRules.CheckPolicy(TestTasks.Header(), Grant,
            Policy(TestTasks.BackboneDigest, new PrivacyParameters(1, 1)), new LocalPrivacyApplied(1, 0.5, 3)));

    [Fact]
    public void CheckPolicy_PrivacyAsThePolicySays_MayGo() =>
        Assert.Null(EgressPolicyRules.CheckPolicy(TestTasks.Header(), Grant,
            Policy(TestTasks.BackboneDigest, new PrivacyParameters(1, 1)), new LocalPrivacyApplied(1, 1, 3)));

    [Fact]
    public void CheckPolicy_Permissive_MayGo() =>
        Assert.Null(EgressPolicyRules.CheckPolicy(TestTasks.Header(), Grant, SitePolicy.Permissive, null));
}
