using FedTransfer.Site.Policy;

namespace FedTransfer.Site.Tests.Policy;

public class SitePolicyFileBudgetTests
{
    private const string Noise = "\"localPrivacy\": { \"clipNorm\": 1.0, \"noiseMultiplier\": 1.1 }";

    [Fact]
    public void Parse_PrivacyBudget_ReadsEpsilonDeltaAndAmplification()
    {
        var policy = SitePolicyFile.Parse($"{{ {Noise}, \"privacyBudget\": {{ \"maxEpsilon\": 8, \"delta\": 1e-5, \"amplifyBySampling\": true }} }}", "p.json");

        Assert.Equal(new PrivacyBudget(8, 1e-5, true), policy.Budget);
    }

    [Fact]
    public void Parse_PrivacyBudgetWithoutAmplification_DefaultsToOff()
    {
        var policy = SitePolicyFile.Parse($"{{ {Noise}, \"privacyBudget\": {{ \"maxEpsilon\": 3, \"delta\": 1e-6 }} }}", "p.json");

        Assert.False(policy.Budget!.AmplifyBySampling);
    }

    [Theory]
    [InlineData("{ \"privacyBudget\": { \"maxEpsilon\": 8, \"delta\": 1e-5 } }", "privacyBudget: needs localPrivacy")]
    [InlineData("{ \"localPrivacy\": { \"clipNorm\": 1.0, \"noiseMultiplier\": 0 }, \"privacyBudget\": { \"maxEpsilon\": 8, \"delta\": 1e-5 } }", "needs localPrivacy")]
    [InlineData("{ " + Noise + ", \"privacyBudget\": { \"delta\": 1e-5 } }", "privacyBudget.maxEpsilon: is missing")]
    [InlineData("{ " + Noise + ", \"privacyBudget\": { \"maxEpsilon\": -1, \"delta\": 1e-5 } }", "privacyBudget.maxEpsilon: must be > 0")]
    [InlineData("{ " + Noise + ", \"privacyBudget\": { \"maxEpsilon\": 8, \"delta\": 2 } }", "privacyBudget.delta: must be in (0, 1)")]
    [InlineData("{ " + Noise + ", \"privacyBudget\": { \"maxEpsilon\": 8, \"delta\": 1e-5, \"epsilon\": 3 } }", "privacyBudget.epsilon: is not a policy key")]
    [InlineData("{ " + Noise + ", \"privacyBudget\": { \"maxEpsilon\": 8, \"delta\": 1e-5, \"amplifyBySampling\": 1 } }", "must be true or false")]
    public void Parse_BadPrivacyBudget_IsOneLineNamingTheKey(string json, string expected)
    {
        var error = Assert.Throws<SitePolicyException>(() => SitePolicyFile.Parse(json, "p.json"));

        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }
}
