using Microsoft.Extensions.Options;

namespace FedTransfer.Coordinator;

/// <summary>Checks <see cref="CoordinatorOptions"/> at start; each failure names the setting and its allowed values.</summary>
internal sealed class CoordinatorOptionsValidator : IValidateOptions<CoordinatorOptions>
{
    public ValidateOptionsResult Validate(string? name, CoordinatorOptions o)
    {
        var errors = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok) errors.Add($"Coordinator:{message}");
        }

        Check(!string.IsNullOrWhiteSpace(o.DataDirectory), "DataDirectory must name a directory for the state database and artifacts");
        Check(o.Listener is not null && !string.IsNullOrWhiteSpace(o.Listener.Url), "Listener:Url must be set, e.g. http://127.0.0.1:7070 or https://0.0.0.0:7443");
        Check(o.MaxReceiveMessageSizeBytes is >= 3 * 1024 * 1024 + 1024 and <= 64 * 1024 * 1024,
            $"MaxReceiveMessageSizeBytes must be between {3 * 1024 * 1024 + 1024} (a 3 MiB chunk plus framing) and {64 * 1024 * 1024}, got {o.MaxReceiveMessageSizeBytes}");
        Check(o.DefaultChunkSizeBytes is >= ArtifactChunking.MinChunkBytes and <= ArtifactChunking.MaxChunkBytes,
            $"DefaultChunkSizeBytes must be between {ArtifactChunking.MinChunkBytes} and {ArtifactChunking.MaxChunkBytes}, got {o.DefaultChunkSizeBytes}");
        Check(o.MaxUpdateBytes > 0, $"MaxUpdateBytes must be positive, got {o.MaxUpdateBytes}");
        Check(o.MaxArtifactBytes > 0, $"MaxArtifactBytes must be positive, got {o.MaxArtifactBytes}");
        Check(o.MaxPullWaitMs is >= 0 and <= 60_000, $"MaxPullWaitMs must be between 0 and 60000, got {o.MaxPullWaitMs}");
        Check(o.MaxConcurrentUploads is >= 1 and <= 1024, $"MaxConcurrentUploads must be between 1 and 1024, got {o.MaxConcurrentUploads}");
        Check(o.MaxConcurrentDownloads is >= 1 and <= 1024, $"MaxConcurrentDownloads must be between 1 and 1024, got {o.MaxConcurrentDownloads}");
        Check(o.SiteLivenessSeconds >= 5, $"SiteLivenessSeconds must be at least 5, got {o.SiteLivenessSeconds}");
        var certificates = o.Listener is { UseTls: true, RequireClientCertificate: true };
        Check(!(o.Listener is { UseTls: true, RequireClientCertificate: false } && (o.Listener!.ClientCaPath is { Length: > 0 } || o.Listener.ClientCa is not null)),
            "Listener:ClientCaPath is set but Listener:RequireClientCertificate is false; set it to true (with a client CA the coordinator requires client certificates) or remove ClientCaPath");
        Check(!certificates || o.Listener!.ClientCaPath is { Length: > 0 } || o.Listener.ClientCa is not null,
            "Listener:RequireClientCertificate is true but no Listener:ClientCaPath is set; point it at the federation's ca.pem");
        Check(!(certificates && o.AllowInsecureSiteIdentity),
            "AllowInsecureSiteIdentity must be false when Listener:RequireClientCertificate is true (sites are then identified by their certificates)");
        Check(certificates || o.AllowInsecureSiteIdentity,
            "sites need an identity: either use TLS with Listener:RequireClientCertificate=true and a Listener:ClientCaPath, or set AllowInsecureSiteIdentity=true for development");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
