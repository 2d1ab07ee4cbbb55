using FedTransfer.Coordinator.Security;
using FedTransfer.Coordinator.Tests.Support;
using FedTransfer.Federation.Identity;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedTransfer.Coordinator.Tests.Security;

public sealed class RevocationListFileTests : IDisposable
{
    private readonly TestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    [Fact]
    public void NoFile_RevokesNothing_ThenAFileWrittenLater_IsHonouredAfterTheRecheck()
    {
        var clock = new ManualClock();
        var file = new RevocationListFile(_pki.RevocationListFile, _pki.Ca, clock, NullLogger.Instance);
        Assert.False(file.Current.IsRevoked(_pki.Certificate("site-a")));

        _pki.Revoke("site-a");
        clock.Advance(TimeSpan.FromSeconds(2));

        Assert.True(file.Current.IsRevoked(_pki.Certificate("site-a")));
        Assert.False(file.Current.IsRevoked(_pki.Certificate("site-b")));
    }

    [Fact]
    public void AtStart_AListNotSignedByTheCa_StopsWithTheSettingNamed()
    {
        using var foreign = CertificateIssuer.CreateAuthority("foreign", DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllBytes(_pki.RevocationListFile, RevocationList.Build(foreign, null, _pki.Certificate("site-a"), DateTimeOffset.UtcNow, TimeSpan.FromDays(1)));

        var e = Assert.Throws<InvalidOperationException>(() => new RevocationListFile(_pki.RevocationListFile, _pki.Ca, new ManualClock(), NullLogger.Instance));

        Assert.Contains("Coordinator:Listener:RevocationListPath", e.Message);
        Assert.Contains("not signed by the federation CA", e.Message);
    }

    [Fact]
    public void ALaterBadFile_KeepsThePreviousListInForce()
    {
        var clock = new ManualClock();
        _pki.Revoke("site-a");
        var file = new RevocationListFile(_pki.RevocationListFile, _pki.Ca, clock, NullLogger.Instance);

        File.WriteAllText(_pki.RevocationListFile, "not a list");
        File.SetLastWriteTimeUtc(_pki.RevocationListFile, DateTime.UtcNow.AddMinutes(1));
        clock.Advance(TimeSpan.FromSeconds(2));

        Assert.True(file.Current.IsRevoked(_pki.Certificate("site-a")));
    }
}
