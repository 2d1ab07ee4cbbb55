using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using FedTransfer.Contracts;
using FedTransfer.Contracts.V1;
using FedTransfer.Federation.Ledger;
using Grpc.Core;
using FedTransfer.Site.Configuration;
using FedTransfer.Site.Egress;
using FedTransfer.Site.Ledger;
using FedTransfer.Site.Tests.Support;
using FedTransfer.Site.Worker;
using FedTransfer.Weights.Serialization;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedTransfer.Site.Tests.Ledger;

public sealed class SiteLedgerTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly TempDirectory _dir = new();

    private SiteOptions Options() => new() { DisplayName = "clinic-a", DataDirectory = _dir.Path, CoordinatorUrl = "http://127.0.0.1:7070" };

    private string[] LedgerLines(SiteLedger ledger)
    {
        using var stream = new FileStream(ledger.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static LedgerRecord Parse(string line) => LedgerFormat.Parse(Encoding.UTF8.GetBytes(line));

    private static EgressGateway Gateway(ICoordinatorTransport transport, SiteLedger ledger) =>
        new(transport, NullLogger.Instance, () => new ReconnectBackoff(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(4), new Random(1)), ledger: ledger);

    [Fact]
    public async Task EveryMessage_IsOnDiskBeforeTheTransportSeesIt_AndTheLedgerVerifies()
    {
        // Arrange: a transport that, on each call, reads the ledger file as another process would.
        using var ledger = SiteLedger.Open(Options(), NullLogger<SiteLedger>.Instance);
        var fake = new FakeTransport();
        fake.PullAnswers.Enqueue(_ => TestTasks.AsInstruction(TestTasks.Train()));
        var seenAtCall = new List<(string Call, LedgerRecord Last)>();
        using var gateway = Gateway(new ObservingTransport(fake, call => seenAtCall.Add((call, Parse(LedgerLines(ledger)[^1])))), ledger);
        var payload = TestTasks.Payload(TestTasks.Delta());

        // Act
        await gateway.JoinAsync(TestTasks.Join(), Timeout, CancellationToken.None);
        await gateway.PullTaskAsync(new PullTaskRequest { SessionId = "session-1" }, Timeout, CancellationToken.None);
        await gateway.PushResultAsync(TestTasks.Header(), payload, CancellationToken.None);

        // Assert
        Assert.Equal(["join", "pull", "push"], seenAtCall.Select(s => s.Last.Kind));
        Assert.All(seenAtCall, s => Assert.Equal(LedgerFormat.Sent, s.Last.Decision));
        var records = LedgerLines(ledger).Select(Parse).ToList();
        Assert.Equal(["genesis", "join", "pull", "task", "push", "receipt"], records.Select(r => r.Kind));
        var push = records[4];
        Assert.Equal((TestTasks.Sha256(payload), (long)payload.Length, "float32"), (push.PayloadSha256, push.PayloadBytes, push.Encoding));
        Assert.Equal(["head.bias", "lora.a"], push.Tensors!.Select(t => t.Name));
        Assert.Equal("lora:r=2 on " + TestTasks.BackboneDigest[..12], push.Federation);
        var verification = new LedgerVerifier(null).Verify(ledger.Path);
        Assert.True(verification.IsValid, verification.Failure?.ToString());
        Assert.Contains(verification.Warnings, w => w.Contains("NOT certified"));
    }

    [Fact]
    public async Task RefusedResult_IsRecordedWithItsReason_AndNeverSent()
    {
        using var ledger = SiteLedger.Open(Options(), NullLogger<SiteLedger>.Instance);
        var fake = new FakeTransport();
        fake.PullAnswers.Enqueue(_ => TestTasks.AsInstruction(TestTasks.Train()));
        using var gateway = Gateway(fake, ledger);
        await gateway.JoinAsync(TestTasks.Join(), Timeout, CancellationToken.None);
        await gateway.PullTaskAsync(new PullTaskRequest { SessionId = "session-1" }, Timeout, CancellationToken.None);
        var backbone = TestTasks.Payload([.. TestTasks.Delta(), TensorRecord.Create<float>("blocks.0.mlp.fc1.weight", new float[4], 2, 2)]);

        await Assert.ThrowsAsync<EgressRefusedException>(() => gateway.PushResultAsync(TestTasks.Header(), backbone, CancellationToken.None));

        Assert.Empty(fake.Pushes);
        var last = Parse(LedgerLines(ledger)[^1]);
        Assert.Equal((LedgerKinds.Push, LedgerFormat.Refused), (last.Kind, last.Decision));
        Assert.Contains("blocks.0.mlp.fc1.weight", last.Reason);
        Assert.Contains(last.Tensors!, t => t.Name == "blocks.0.mlp.fc1.weight");
        Assert.True(new LedgerVerifier(null).Verify(ledger.Path).IsValid);
    }

    [Fact]
    public async Task SignedReceipt_IsRecordedWithSignatureAndCertificate_AndVerifies()
    {
        using var coordinatorKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var coordinator = new CertificateRequest("CN=coordinator, OU=coordinator", coordinatorKey, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var ledger = SiteLedger.Open(Options(), NullLogger<SiteLedger>.Instance);
        var fake = new FakeTransport();
        fake.PullAnswers.Enqueue(_ => TestTasks.AsInstruction(TestTasks.Train()));
        using var gateway = Gateway(new ObservingTransport(fake, _ => { }, r => Sign(r, coordinatorKey, coordinator)), ledger);
        await gateway.JoinAsync(TestTasks.Join(), Timeout, CancellationToken.None);
        await gateway.PullTaskAsync(new PullTaskRequest { SessionId = "session-1" }, Timeout, CancellationToken.None);

        await gateway.PushResultAsync(TestTasks.Header(), TestTasks.Payload(TestTasks.Delta()), CancellationToken.None);

        var receipt = Parse(LedgerLines(ledger)[^1]).Receipt!;
        Assert.Equal(coordinator.ExportCertificatePem(), receipt.CoordinatorCertificatePem);
        Assert.Equal(64, Convert.FromBase64String(receipt.Signature).Length);
        var verification = new LedgerVerifier(null).Verify(ledger.Path);
        Assert.True(verification.IsValid, verification.Failure?.ToString());
        Assert.Equal(1, verification.Receipts);
    }

    [Fact]
    public void Open_WithClientCertificate_SignsWithItsKey()
    {
        using var pki = new TestPki();
        var options = Options();
        options.ClientCertificateFile = pki.SiteCertificateFile;
        options.ClientKeyFile = pki.SiteKeyFile;

        using (SiteLedger.Open(options, NullLogger<SiteLedger>.Instance)) { }

        var genesis = LedgerFormat.Parse(File.ReadAllBytes(options.ResolveLedgerFile()).AsSpan()[..^1]).Genesis!;
        Assert.Equal("clinic-a", genesis.Site);
        Assert.Equal(File.ReadAllText(pki.SiteCertificateFile).Trim(), genesis.CertificatePem!.Trim());
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(options.ResolveLedgerFile())!, SiteLedger.DevelopmentKeyFile)));
    }

    private static Receipt Sign(Receipt receipt, ECDsa key, X509Certificate2 certificate)
    {
        receipt.RunId = "run-1";
        receipt.ReceivedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var signature = ReceiptSigning.Sign(key, ReceiptSigning.CanonicalBytes(receipt.TaskId, receipt.SiteId, receipt.RunId, receipt.Round,
            receipt.Outcome.ToSignedText(), receipt.PayloadSha256, receipt.PayloadBytes, receipt.ReceivedUnixMs));
        receipt.Signature = ByteString.CopyFrom(signature);
        receipt.CoordinatorCertificatePem = certificate.ExportCertificatePem();
        return receipt;
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>Passes calls to a fake coordinator, telling the test about each call before it is made.</summary>
    private sealed class ObservingTransport(FakeTransport inner, Action<string> onCall, Func<Receipt, Receipt>? receipts = null) : ICoordinatorTransport
    {
        public Task<JoinResponse> JoinAsync(JoinRequest request, CallOptions options)
        {
            onCall("join");
            return inner.JoinAsync(request, options);
        }

        public Task<PullTaskResponse> PullTaskAsync(PullTaskRequest request, CallOptions options)
        {
            onCall("pull");
            return inner.PullTaskAsync(request, options);
        }

        public IAsyncEnumerable<ArtifactChunk> FetchArtifact(FetchArtifactRequest request, CallOptions options)
        {
            onCall("fetch");
            return inner.FetchArtifact(request, options);
        }

        public async Task<Receipt> PushResultAsync(IAsyncEnumerable<PushResultRequest> requests, CallOptions options)
        {
            onCall("push");
            var receipt = await inner.PushResultAsync(requests, options);
            return receipts is null ? receipt : receipts(receipt);
        }

        public void Dispose() => inner.Dispose();
    }
}
