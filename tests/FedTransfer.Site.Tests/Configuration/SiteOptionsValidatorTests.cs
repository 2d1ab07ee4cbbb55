using FedTransfer.Site.Configuration;
using FedTransfer.Site.Tests.Support;

namespace FedTransfer.Site.Tests.Configuration;

public sealed class SiteOptionsValidatorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private SiteOptions Valid() => new() { DisplayName = "clinic-a", DataDirectory = _dir.Path, CoordinatorUrl = "http://127.0.0.1:7070" };

    [Fact]
    public void Validate_Defaults_WithNameAndDataFolder_Succeed()
    {
        // Act
        var result = new SiteOptionsValidator().Validate(null, Valid());

        // Assert
        Assert.True(result.Succeeded, result.FailureMessage);
    }

    public static TheoryData<string, Action<SiteOptions>> Broken => new()
    {
        { "Site:CoordinatorUrl", o => o.CoordinatorUrl = "http://coordinator.example:7400" },
        { "Site:CoordinatorUrl", o => o.CoordinatorUrl = "ftp://127.0.0.1" },
        { "Site:DisplayName", o => o.DisplayName = "" },
        { "Site:DisplayName", o => o.DisplayName = new string('x', 129) },
        { "Site:DataDirectory", o => o.DataDirectory = "/nonexistent/fedtransfer/data" },
        { "Site:ValidationFraction", o => o.ValidationFraction = 1 },
        { "Site:Device", o => o.Device = "gpu" },
        { "Site:Threads", o => o.Threads = -1 },
        { "Site:PollMaxWaitMs", o => o.PollMaxWaitMs = 61000 },
        { "Site:ReconnectMaxDelayMs", o => o.ReconnectMaxDelayMs = 10 },
        { "Site:FetchChunkBytes", o => o.FetchChunkBytes = 100 },
        { "Site:LedgerSegmentBytes", o => o.LedgerSegmentBytes = 1000 },
        { "Site:TransferTimeoutSeconds", o => o.TransferTimeoutSeconds = 5 },
        { "Site:Transport", o => o.Transport = (CoordinatorTransport)7 },
        { "Site:Transport", o => o.Transport = CoordinatorTransport.GrpcWeb }, // gRPC-Web needs https; Valid() is plaintext
        { "Site:ImageClasses", o => o.ImageClasses = "5,5" },
        { "Site:ClientKeyFile", o => { o.CoordinatorUrl = "https://127.0.0.1:7443"; o.ClientCertificateFile = "/etc/hostname"; } },
        { "Site:CoordinatorUrl", o => o.TrustedCaFile = "/etc/hostname" },
        { "Site:PolicyFile", o => o.PolicyFile = "/nonexistent/fedtransfer/policy.json" },
    };

    [Fact]
    public void Validate_PolicyFileWithUnknownKey_FailsNamingTheSettingAndThePolicyKey()
    {
        // Arrange
        var options = Valid();
        options.PolicyFile = _dir.Combine("policy.json");
        File.WriteAllText(options.PolicyFile, """{ "minTrainExamples": 10, "clipNorm": 1 }""");

        // Act
        var result = new SiteOptionsValidator().Validate(null, options);

        // Assert
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Site:PolicyFile: policy file '", failure);
        Assert.Contains("clipNorm: is not a policy key", failure);
    }

    [Theory]
    [MemberData(nameof(Broken))]
    public void Validate_BrokenSetting_FailsNamingTheKey(string key, Action<SiteOptions> breakIt)
    {
        // Arrange
        var options = Valid();
        breakIt(options);

        // Act
        var result = new SiteOptionsValidator().Validate(null, options);

        // Assert
        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith(key + ":", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("CUDA")]
    [InlineData("cuda:1")]
    [InlineData("auto")]
    public void IsDeviceText_EngineSpellings_AreAccepted(string device)
    {
        // Act / Assert
        Assert.True(SiteOptionsValidator.IsDeviceText(device));
    }

    [Fact]
    public void TryParseClasses_List_KeepsOrder()
    {
        // Act
        var ok = SiteOptionsValidator.TryParseClasses("5, 9,7", out var classes);

        // Assert
        Assert.True(ok);
        Assert.Equal([5, 9, 7], classes!);
    }

    public void Dispose() => _dir.Dispose();
}
