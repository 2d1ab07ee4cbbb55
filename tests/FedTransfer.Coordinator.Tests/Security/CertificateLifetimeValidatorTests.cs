using FedTransfer.Coordinator.Security;
using FedTransfer.Federation.Identity;

namespace FedTransfer.Coordinator.Tests.Security;

public sealed class CertificateLifetimeValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    private static string? Check(int validFromDays, int validToDays, out string? warning)
    {
        using var ca = CertificateIssuer.CreateAuthority("test-ca", Now.AddDays(-400), Now.AddDays(400));
        using var certificate = CertificateIssuer.Issue(ca, "coordinator", ParticipantRole.Coordinator, Now.AddDays(validFromDays), Now.AddDays(validToDays));
        return CertificateLifetimeValidator.Check(certificate, Now, out warning);
    }

    [Fact]
    public void Expired_IsRefusedWithTheDateAndWhatToDo()
    {
        var error = Check(-365, -1, out _);

        Assert.NotNull(error);
        Assert.Contains("expired on 2026-12-03", error);
        Assert.Contains("fedtransfer provision", error);
    }

    [Fact]
    public void NotYetValid_IsRefused()
    {
        Assert.Contains("is not valid before", Check(2, 365, out _));
    }

    [Fact]
    public void ExpiresWithin30Days_StartsWithAWarning()
    {
        var error = Check(-300, 12, out var warning);

        Assert.Null(error);
        Assert.Contains("in 12 days", warning);
    }

    [Fact]
    public void LongValid_NoErrorNoWarning()
    {
        Assert.Null(Check(-1, 300, out var warning));
        Assert.Null(warning);
    }
}
