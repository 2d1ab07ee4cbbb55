using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Receipts;
using FedTransfer.Coordinator.Tests.Security;
using FedTransfer.Coordinator.Tests.Support;
using FedTransfer.Federation.Ledger;
using FedTransfer.Federation.Receipts;
using System.Security.Cryptography.X509Certificates;

namespace FedTransfer.Coordinator.Tests.Receipts;

/// <summary>Receipts in plaintext development mode: signed with a stable generated key, logged once per task, durable across restarts.</summary>
public sealed class ReceiptNotaryTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private readonly ListLoggerProvider _logs = new();
    private TestCoordinator _coordinator = null!;

    public async Task InitializeAsync() => _coordinator = await TestCoordinator.StartAsync(_temp.Path, logs: _logs);

    public async Task DisposeAsync()
    {
        await _coordinator.DisposeAsync();
        _temp.Dispose();
    }

    private async Task<(FakeSite Site, TrainTask Task)> TrainTaskAsync()
    {
        var federation = await AdminClient.CreateFederationAsync(_coordinator.Channel, Tensors.Bytes(Tensors.Random(1)));
        var site = await FakeSite.JoinAsync(_coordinator.Address, "clinic");
        await AdminClient.StartRunAsync(_coordinator.Channel, federation.FederationId, rounds: 1, minSites: 1);
        return (site, await site.NextTrainAsync());
    }

    private static bool Verifies(Receipt receipt)
    {
        using var certificate = X509Certificate2.CreateFromPem(receipt.CoordinatorCertificatePem);
        using var key = certificate.GetECDsaPublicKey()!;
        return ReceiptSigning.Verify(key, CallerAuthorizationTests.Canonical(receipt), receipt.Signature.ToByteArray());
    }

    private string LogPath => Path.Combine(_temp.Path, ReceiptLog.FileName);

    [Fact]
    public async Task Push_PlaintextMode_ReceiptSignedWithDevelopmentKey_LoggedAndSaidSo()
    {
        var (site, task) = await TrainTaskAsync();
        using var _ = site;

        var receipt = await site.PushAsync(task.TaskId, 1, 40, Tensors.Bytes(Tensors.Random(10, 0.1f)));

        Assert.Equal(64, receipt.Signature.Length);
        Assert.True(Verifies(receipt));
        Assert.Contains("fedtransfer-development-coordinator", X509Certificate2.CreateFromPem(receipt.CoordinatorCertificatePem).Subject);
        var record = ReceiptLogRecord.Parse(Assert.Single(File.ReadAllLines(LogPath)));
        Assert.Equal(receipt.TaskId, record.TaskId);
        Assert.Equal(receipt.Signature.ToByteArray(), record.Signature);
        Assert.True(record.VerifySignature());
        Assert.NotNull(await _logs.WaitForAsync("development key"));
    }

    [Fact]
    public async Task Receipt_TamperedField_FailsVerification()
    {
        var (site, task) = await TrainTaskAsync();
        using var _ = site;
        var receipt = await site.PushAsync(task.TaskId, 1, 40, Tensors.Bytes(Tensors.Random(10, 0.1f)));

        var otherDigest = receipt.Clone();
        otherDigest.PayloadSha256 = new string('0', 64);
        var otherSite = receipt.Clone();
        otherSite.SiteId = "name-someone-else";

        Assert.True(Verifies(receipt));
        Assert.False(Verifies(otherDigest));
        Assert.False(Verifies(otherSite));
    }

    [Fact]
    public async Task DuplicatePush_ReSignedOverSameFields_LoggedOnce()
    {
        var (site, task) = await TrainTaskAsync();
        using var _ = site;
        var payload = Tensors.Bytes(Tensors.Random(10, 0.1f));

        var first = await site.PushAsync(task.TaskId, 1, 40, payload);
        var again = await site.PushAsync(task.TaskId, 1, 40, payload);

        Assert.True(again.Duplicate);
        Assert.Equal(CallerAuthorizationTests.Canonical(first), CallerAuthorizationTests.Canonical(again));
        Assert.True(Verifies(again));
        Assert.Single(File.ReadAllLines(LogPath));
    }

    [Fact]
    public async Task Restart_SameDevelopmentKey_LogKeptAndNotRepeated()
    {
        var (site, task) = await TrainTaskAsync();
        var payload = Tensors.Bytes(Tensors.Random(10, 0.1f));
        var first = await site.PushAsync(task.TaskId, 1, 40, payload);
        site.Dispose();
        await _coordinator.DisposeAsync();

        _coordinator = await TestCoordinator.StartAsync(_temp.Path, logs: _logs);
        using var rejoined = await FakeSite.JoinAsync(_coordinator.Address, "clinic");
        var again = await rejoined.PushAsync(task.TaskId, 1, 40, payload);

        Assert.True(again.Duplicate);
        Assert.Equal(first.CoordinatorCertificatePem, again.CoordinatorCertificatePem);
        Assert.True(Verifies(again));
        Assert.Single(File.ReadAllLines(LogPath));
    }
}
