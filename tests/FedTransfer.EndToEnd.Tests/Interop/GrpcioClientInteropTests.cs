using System.Security.Cryptography;
using System.Text.Json;
using FedTransfer.EndToEnd.Tests.Support;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.EndToEnd.Tests.Interop;

/// <summary>
/// Runs python3-grpcio (grpcio_site_client.py) once against the real coordinator on loopback, as the central team and a
/// site: client-streaming uploads, unary calls, a server-streamed backbone, a cancelled download, a deadline, status
/// details and metadata (the admin token); each test checks one scenario of what grpcio saw.
/// </summary>
public sealed class GrpcioClientFixture : IAsyncLifetime
{
    public const string AdminToken = "interop-token";
    private readonly TempDirectory _temp = new();
    private LiveCoordinator? _coordinator;

    public string BackboneSha256 { get; private set; } = "";
    public long BackboneBytes { get; private set; }
    public string UpdateSha256 { get; private set; } = "";
    public IReadOnlyDictionary<string, JsonElement> Results { get; private set; } = new Dictionary<string, JsonElement>();
    public string Output { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var work = Directory.CreateDirectory(_temp.Combine("files")).FullName;
        // A 32 MiB backbone: large enough that streaming it takes many chunks.
        var backbone = SafeTensors.Serialize([TestTensors.Random("blocks.0.attn.qkv.weight", 1, 72, 24), TestTensors.Random("blocks.0.mlp.weight", 2, 2048, 4096)]);
        var adapter = SafeTensors.Serialize([TestTensors.Random("blocks.0.attn.qkv.lora_a", 3, 4, 24), TestTensors.Random("blocks.0.attn.qkv.lora_b", 4, 72, 4)]);
        var update = SafeTensors.Serialize([TestTensors.Random("blocks.0.attn.qkv.lora_a", 5, 4, 24), TestTensors.Random("blocks.0.attn.qkv.lora_b", 6, 72, 4)]);
        await File.WriteAllBytesAsync(Path.Combine(work, "backbone.safetensors"), backbone);
        await File.WriteAllBytesAsync(Path.Combine(work, "adapter.safetensors"), adapter);
        await File.WriteAllBytesAsync(Path.Combine(work, "update.safetensors"), update);
        (BackboneSha256, BackboneBytes, UpdateSha256) = (Convert.ToHexStringLower(SHA256.HashData(backbone)), backbone.Length, Convert.ToHexStringLower(SHA256.HashData(update)));

        _coordinator = await LiveCoordinator.StartAsync(_temp.Combine("coordinator"), TransportSecurity.Plaintext(),
            extraSettings: new Dictionary<string, string?> { ["Coordinator:AdminToken"] = AdminToken });
        using var python = await PythonPeer.CreateAsync();
        Output = await python.RunScriptAsync("grpcio_site_client.py", [$"127.0.0.1:{_coordinator.Port}", work, AdminToken], TimeSpan.FromSeconds(180));
        Results = Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToDictionary(e => e.GetProperty("scenario").GetString()!, e => e);
    }

    public async Task DisposeAsync()
    {
        if (_coordinator is not null) await _coordinator.DisposeAsync();
        _temp.Dispose();
    }

    public JsonElement Scenario(string name) =>
        Results.TryGetValue(name, out var result) ? result : throw new Xunit.Sdk.XunitException($"scenario '{name}' missing from grpcio's output:\n{Output}");
}

public sealed class GrpcioClientInteropTests(GrpcioClientFixture fixture) : IClassFixture<GrpcioClientFixture>
{
    [Fact]
    public void StatusDetails_BadJoinFromGrpcio_InvalidArgumentWithTheReason()
    {
        var result = fixture.Scenario("status_details");

        Assert.Equal("INVALID_ARGUMENT", result.GetProperty("code").GetString());
        Assert.Equal("display_name must be 1..128 bytes", result.GetProperty("details").GetString());
    }

    [Fact]
    public void Metadata_AdminTokenFromGrpcio_RequiredAndAccepted()
    {
        var missing = fixture.Scenario("metadata_missing");

        Assert.Equal("UNAUTHENTICATED", missing.GetProperty("code").GetString());
        Assert.Contains("authorization: Bearer", missing.GetProperty("details").GetString());
        Assert.Equal("OK", fixture.Scenario("metadata_given").GetProperty("code").GetString());
    }

    [Fact]
    public void ClientStreaming_UploadsFromGrpcio_StoredUnderTheirDigests()
    {
        var result = fixture.Scenario("client_streaming");

        Assert.Equal(fixture.BackboneSha256, result.GetProperty("backbone").GetString());
        Assert.Equal(fixture.BackboneBytes, result.GetProperty("backbone_bytes").GetInt64());
    }

    [Fact]
    public void Unary_JoinFromGrpcio_GetsADevelopmentIdentityAndSession()
    {
        var result = fixture.Scenario("unary");

        Assert.Equal("name-grpcio-site", result.GetProperty("site_id").GetString());
        Assert.True(result.GetProperty("session").GetBoolean());
    }

    [Fact]
    public void ServerStreaming_BackboneToGrpcio_Sha256Matches()
    {
        var result = fixture.Scenario("server_streaming");

        Assert.Equal(fixture.BackboneBytes, result.GetProperty("size").GetInt64());
        Assert.Equal(fixture.BackboneSha256, result.GetProperty("sha256").GetString());
        Assert.True(result.GetProperty("contiguous").GetBoolean());
    }

    [Fact]
    public void Cancellation_ByGrpcioMidDownload_CancelledAndTheCoordinatorServesOn()
    {
        Assert.Equal("CANCELLED", fixture.Scenario("cancellation").GetProperty("code").GetString());
        Assert.Equal("OK", fixture.Scenario("after_cancellation").GetProperty("code").GetString());
    }

    [Fact]
    public void Deadline_OnALiveWatchFromGrpcio_ExpiresOnTime()
    {
        var result = fixture.Scenario("deadline");

        Assert.Equal("DEADLINE_EXCEEDED", result.GetProperty("code").GetString());
        Assert.InRange(result.GetProperty("elapsed").GetDouble(), 0.4, 5.0);
    }

    [Fact]
    public void ClientStreaming_ResultFromGrpcio_AcceptedWithAReceipt()
    {
        var result = fixture.Scenario("push");

        Assert.Equal("RESULT_OUTCOME_ACCEPTED", result.GetProperty("outcome").GetString());
        Assert.Equal(fixture.UpdateSha256, result.GetProperty("sha256").GetString());
        Assert.Equal("name-grpcio-site", result.GetProperty("site_id").GetString());
    }
}
