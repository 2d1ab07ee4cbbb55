using System.Text.Json;
using FedTransfer.Rpc.Tests.Support;

namespace FedTransfer.Rpc.Tests.Interop;

/// <summary>Runs grpcio's client (interop_client.py) once against our server; each test checks one scenario.</summary>
public sealed class PythonClientFixture : IAsyncLifetime
{
    public const long ArtifactSize = 64L * Artifact.MiB;
    public const string Seed = "py-client";

    public TestServerHost Server { get; private set; } = null!;

    public IReadOnlyDictionary<string, JsonElement> Results { get; private set; } = new Dictionary<string, JsonElement>();

    public string Output { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        Server = await TestServerHost.StartAsync(o => o.MaxReceiveMessageSize = 8 * Artifact.MiB);
        using var python = await PythonPeer.CreateAsync();
        var target = $"127.0.0.1:{Server.Address.Port}";
        Output = await python.RunScriptAsync("interop_client.py", [target, ArtifactSize.ToString(), Seed], TimeSpan.FromSeconds(120));
        Results = Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToDictionary(e => e.GetProperty("scenario").GetString()!, e => e);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    public JsonElement Scenario(string name) =>
        Results.TryGetValue(name, out var result) ? result : throw new Xunit.Sdk.XunitException($"scenario '{name}' missing from python output:\n{Output}");
}

public sealed class PythonClientInteropTests(PythonClientFixture fixture) : IClassFixture<PythonClientFixture>
{
    [Fact]
    public void Unary_FromGrpcio_EchoesTextAndMetadata()
    {
        var result = fixture.Scenario("unary");

        Assert.Equal("OK", result.GetProperty("code").GetString());
        Assert.Equal("héllo ✓", result.GetProperty("text").GetString());
        var metadata = result.GetProperty("metadata");
        Assert.Equal("abc 123", metadata.GetProperty("x-trace").GetString());
        Assert.Equal(new byte[] { 0, 1, 254, 255 }, GrpcMetadata.DecodeBinary(metadata.GetProperty("x-blob-bin").GetString()!));
        Assert.StartsWith("grpc-python", metadata.GetProperty("user-agent").GetString());
        Assert.Equal("set", metadata.GetProperty("deadline").GetString());
    }

    [Fact]
    public void UnaryGzip_FromGrpcio_CompressedRequestIsDecoded()
    {
        var result = fixture.Scenario("unary_gzip");

        Assert.Equal("OK", result.GetProperty("code").GetString());
        Assert.Equal(10000, result.GetProperty("length").GetInt32());
    }

    [Fact]
    public void ServerStreaming_64MiBArtifactToGrpcio_Sha256Matches()
    {
        var result = fixture.Scenario("download");

        Assert.Equal("OK", result.GetProperty("code").GetString());
        Assert.Equal(PythonClientFixture.ArtifactSize, result.GetProperty("size").GetInt64());
        Assert.Equal(64, result.GetProperty("chunks").GetInt32());
        Assert.True(result.GetProperty("contiguous").GetBoolean());
        Assert.Equal(Artifact.Sha256Hex(PythonClientFixture.Seed, PythonClientFixture.ArtifactSize, Artifact.MiB), result.GetProperty("sha256").GetString());
    }

    [Fact]
    public void ClientStreaming_64MiBArtifactFromGrpcio_Sha256Matches()
    {
        var result = fixture.Scenario("upload");

        Assert.Equal("OK", result.GetProperty("code").GetString());
        Assert.Equal(PythonClientFixture.ArtifactSize, result.GetProperty("size").GetInt64());
        Assert.Equal(64, result.GetProperty("chunks").GetInt32());
        Assert.Equal(Artifact.Sha256Hex(PythonClientFixture.Seed, PythonClientFixture.ArtifactSize, Artifact.MiB), result.GetProperty("sha256").GetString());
    }

    [Fact]
    public void Duplex_WithGrpcio_RepliesInterleaveWithRequests()
    {
        var result = fixture.Scenario("duplex");

        Assert.Equal("OK", result.GetProperty("code").GetString());
        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], result.GetProperty("texts").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([0, 1, 2, 3, 4], result.GetProperty("indexes").EnumerateArray().Select(e => e.GetInt32()));
        Assert.True(result.GetProperty("interleaved").GetBoolean());
    }

    [Fact]
    public async Task Deadline_FromGrpcio_ExpiresWithDeadlineExceededAndCancelsHandler()
    {
        var result = fixture.Scenario("deadline");

        Assert.Equal("DEADLINE_EXCEEDED", result.GetProperty("code").GetString());
        Assert.InRange(result.GetProperty("elapsed").GetDouble(), 0.25, 3.0);
        // The handler's token fired too (grpc-timeout turned into cancellation), well before its 5 s delay ended.
        var cancelled = await fixture.Server.Service.CancellationObserved.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("/fedtransfer.interop.TestService/Echo", cancelled);
    }

    [Fact]
    public void Error_WithNonAsciiMessage_ReachesGrpcioIntact()
    {
        var result = fixture.Scenario("error");

        Assert.Equal("FAILED_PRECONDITION", result.GetProperty("code").GetString());
        Assert.Equal(result.GetProperty("expected").GetString(), result.GetProperty("details").GetString());
    }

    [Fact]
    public void UnknownMethod_FromGrpcio_IsUnimplemented()
    {
        var result = fixture.Scenario("unimplemented");

        Assert.Equal("UNIMPLEMENTED", result.GetProperty("code").GetString());
        Assert.Contains("Nope", result.GetProperty("details").GetString());
    }
}
