using FedTransfer.Site.Policy;
using FedTransfer.Site.Tests.Support;
using FedTransfer.Weights.Adapters;

namespace FedTransfer.Site.Tests.Policy;

public sealed class SitePolicyFileTests
{
    private static readonly string Digest = TestTasks.BackboneDigest;

    [Fact]
    public void Parse_FullPolicy_ReadsEveryKey()
    {
        // Arrange
        var json = $$"""
            // comments are allowed, as in appsettings files
            {
              "federations": [
                { "backboneSha256": "{{Digest}}", "adapterSpec": "lora:r=8,alpha=16,targets=attn.qkv" },
                { "backboneSha256": "{{Digest}}", "adapterKind": "lora", "maxRank": 16 },
                { "backboneSha256": "{{Digest}}", "adapterKind": "bottleneck", "minReduction": 8 }
              ],
              "minTrainExamples": 200,
              "localPrivacy": { "clipNorm": 1.5, "noiseMultiplier": 0.8 }
            }
            """;

        // Act
        var policy = SitePolicyFile.Parse(json, "policy.json");

        // Assert
        Assert.Equal(3, policy.Federations!.Count);
        Assert.Equal(new LoraSpec(8, 16, 0, ["attn.qkv"]), policy.Federations[0].AdapterSpec);
        Assert.Equal(("lora", 16), (policy.Federations[1].AdapterKind, policy.Federations[1].MaxRank));
        Assert.Equal(8, policy.Federations[2].MinReduction);
        Assert.Equal(200, policy.MinTrainExamples);
        Assert.Equal(new PrivacyParameters(1.5, 0.8), policy.Privacy);
    }

    [Fact]
    public void Parse_EmptyObject_IsPermissive()
    {
        // Act
        var policy = SitePolicyFile.Parse("{}", "policy.json");

        // Assert
        Assert.Null(policy.Federations);
        Assert.Equal(0, policy.MinTrainExamples);
        Assert.Null(policy.Privacy);
    }

    [Theory]
    [InlineData("""{ "federations": [ { "backboneSha256": "DIGEST", "adapterSpec": "lora:r=8" } ], }""", "is not valid JSON")]
    [InlineData("""{ "minTrainExample": 5 }""", "minTrainExample: is not a policy key")]
    [InlineData("""{ "minTrainExamples": 5, "minTrainExamples": 6 }""", "minTrainExamples: is given twice")]
    [InlineData("""{ "minTrainExamples": -1 }""", "minTrainExamples: must be an integer >= 0")]
    [InlineData("""{ "minTrainExamples": "100" }""", "minTrainExamples: must be an integer >= 0")]
    [InlineData("""{ "federations": [] }""", "federations: must be a non-empty array")]
    [InlineData("""{ "federations": [ { "adapterSpec": "lora:r=8" } ] }""", "federations[0].backboneSha256: is missing")]
    [InlineData("""{ "federations": [ { "backboneSha256": "ABC", "adapterSpec": "lora:r=8" } ] }""", "federations[0].backboneSha256: 'ABC' is not a SHA-256 digest")]
    [InlineData("""{ "federations": [ { "backboneSha256": "DIGEST" } ] }""", "federations[0]: needs exactly one of adapterSpec")]
    [InlineData("""{ "federations": [ { "backboneSha256": "DIGEST", "adapterSpec": "lora:r=8", "adapterKind": "lora" } ] }""", "federations[0]: needs exactly one of adapterSpec")]
    [InlineData("""{ "federations": [ { "backboneSha256": "DIGEST", "adapterSpec": "lora:rank=8" } ] }""", "federations[0].adapterSpec: adapter spec 'lora:rank=8': unknown key 'rank'")]
    [InlineData("""{ "federations": [ { "backboneSha256": "DIGEST", "adapterSpec": "lora:r=8", "maxRank": 8 } ] }""", "federations[0]: maxRank and minReduction go with adapterKind")]
    [InlineData("""{ "federations": [ { "backboneSha256": "DIGEST", "adapterKind": "prefix" } ] }""", "federations[0].adapterKind: 'prefix' is not an adapter kind")]
    [InlineData("""{ "federations": [ { "backboneSha256": "DIGEST", "adapterKind": "lora", "maxRank": 0 } ] }""", "federations[0].maxRank: must be an integer >= 1")]
    [InlineData("""{ "federations": [ { "backboneSha256": "DIGEST", "adapterKind": "lora", "minReduction": 4 } ] }""", "federations[0].minReduction: applies to bottleneck adapters")]
    [InlineData("""{ "federations": [ { "backboneSha256": "DIGEST", "adapterKind": "bottleneck", "maxRank": 4 } ] }""", "federations[0].maxRank: applies to lora adapters")]
    [InlineData("""{ "federations": [ { "backboneSha256": "DIGEST", "adapterKind": "lora", "digest": "x" } ] }""", "federations[0].digest: is not a policy key")]
    [InlineData("""{ "localPrivacy": { "clipNorm": 1.0 } }""", "localPrivacy.noiseMultiplier: is missing")]
    [InlineData("""{ "localPrivacy": { "noiseMultiplier": 1.0 } }""", "localPrivacy.clipNorm: is missing")]
    [InlineData("""{ "localPrivacy": { "clipNorm": 0, "noiseMultiplier": 1.0 } }""", "localPrivacy.clipNorm: must be > 0")]
    [InlineData("""{ "localPrivacy": { "clipNorm": 1, "noiseMultiplier": -0.5 } }""", "localPrivacy.noiseMultiplier: must be >= 0")]
    [InlineData("""{ "localPrivacy": { "clipNorm": 1, "noiseMultiplier": 1, "delta": 1e-5 } }""", "localPrivacy.delta: is not a policy key")]
    [InlineData("""[ 1, 2 ]""", "must be a JSON object")]
    public void Parse_BadPolicy_OneLineErrorNamingTheKey(string json, string expected)
    {
        // Act
        var error = Assert.Throws<SitePolicyException>(() => SitePolicyFile.Parse(json.Replace("DIGEST", Digest), "/etc/site/policy.json"));

        // Assert
        Assert.StartsWith("policy file '/etc/site/policy.json': ", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Load_MissingFile_SaysWhichFileAndWhichSetting()
    {
        // Arrange
        using var dir = new TempDirectory();
        var path = dir.Combine("absent.json");

        // Act
        var error = Assert.Throws<SitePolicyException>(() => SitePolicyFile.Load(path));

        // Assert
        Assert.Contains(path, error.Message);
        Assert.Contains("Site:PolicyFile", error.Message);
    }

    [Fact]
    public void Load_FileOnDisk_IsParsed()
    {
        // Arrange
        using var dir = new TempDirectory();
        var path = dir.Combine("policy.json");
        File.WriteAllText(path, """{ "minTrainExamples": 50 }""");

        // Act
        var policy = SitePolicyFile.Load(path);

        // Assert
        Assert.Equal(50, policy.MinTrainExamples);
    }
}
