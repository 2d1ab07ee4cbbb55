namespace FedTransfer.Coordinator.Tests;

public class CoordinatorOptionsValidatorTests
{
    private static IReadOnlyList<string> Errors(Action<CoordinatorOptions> change)
    {
        var options = new CoordinatorOptions();
        change(options);
        var result = new CoordinatorOptionsValidator().Validate(null, options);
        return result.Failed ? result.Failures!.ToArray() : [];
    }

    [Fact]
    public void Defaults_AreValid()
    {
        Assert.Empty(Errors(_ => { }));
    }

    [Theory]
    [InlineData("DataDirectory")]
    [InlineData("DefaultChunkSizeBytes")]
    [InlineData("MaxPullWaitMs")]
    [InlineData("MaxReceiveMessageSizeBytes")]
    [InlineData("SiteLivenessSeconds")]
    [InlineData("MaxConcurrentUploads")]
    [InlineData("MaxConcurrentDownloads")]
    public void BadValue_NamesTheSetting(string setting)
    {
        var errors = Errors(o =>
        {
            switch (setting)
            {
                case "DataDirectory": o.DataDirectory = " "; break;
                case "DefaultChunkSizeBytes": o.DefaultChunkSizeBytes = 100; break;
                case "MaxPullWaitMs": o.MaxPullWaitMs = 70_000; break;
                case "MaxReceiveMessageSizeBytes": o.MaxReceiveMessageSizeBytes = 1024; break;
                case "SiteLivenessSeconds": o.SiteLivenessSeconds = 1; break;
                case "MaxConcurrentUploads": o.MaxConcurrentUploads = 0; break;
                case "MaxConcurrentDownloads": o.MaxConcurrentDownloads = 0; break;
            }
        });

        Assert.Contains(errors, e => e.StartsWith($"Coordinator:{setting}", StringComparison.Ordinal));
    }

    [Fact]
    public void ClientCertificatesWithInsecureIdentity_IsContradictory()
    {
        var errors = Errors(o =>
        {
            o.Listener.Url = "https://127.0.0.1:7443";
            o.Listener.RequireClientCertificate = true;
        });

        Assert.Contains(errors, e => e.Contains("AllowInsecureSiteIdentity must be false"));
    }

    [Fact]
    public void NoIdentityMethod_IsRefused()
    {
        Assert.Contains(Errors(o => o.AllowInsecureSiteIdentity = false), e => e.Contains("sites need an identity"));
    }

    [Fact]
    public void ClientCaWithoutRequiringCertificates_Refused()
    {
        var errors = Errors(o =>
        {
            o.Listener.Url = "https://127.0.0.1:7443";
            o.Listener.ClientCaPath = "ca.pem";
            o.Listener.RequireClientCertificate = false;
        });

        Assert.Contains(errors, e => e.Contains("RequireClientCertificate is false", StringComparison.Ordinal));
    }

    [Fact]
    public void RequiringCertificatesWithoutClientCa_Refused()
    {
        var errors = Errors(o =>
        {
            o.Listener.Url = "https://127.0.0.1:7443";
            o.Listener.RequireClientCertificate = true;
            o.AllowInsecureSiteIdentity = false;
        });

        Assert.Contains(errors, e => e.Contains("no Listener:ClientCaPath", StringComparison.Ordinal));
    }

    [Fact]
    public void KitSettings_Valid()
    {
        Assert.Empty(Errors(o =>
        {
            o.Listener.Url = "https://0.0.0.0:7443";
            o.Listener.CertificatePath = "cert.pem";
            o.Listener.RequireClientCertificate = true;
            o.Listener.ClientCaPath = "ca.pem";
            o.AllowInsecureSiteIdentity = false;
        }));
    }
}
