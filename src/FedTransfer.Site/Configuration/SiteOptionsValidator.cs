using System.Globalization;
using System.Net;
using System.Text;
using FedTransfer.Site.Policy;
using Microsoft.Extensions.Options;

namespace FedTransfer.Site.Configuration;

/// <summary>
/// Checks <see cref="SiteOptions"/> when the host starts, so a misconfigured site stops at once with one line per problem
/// (which setting, what is wrong, what to do) instead of failing later in the middle of a round.
/// </summary>
internal sealed class SiteOptionsValidator : IValidateOptions<SiteOptions>
{
    public ValidateOptionsResult Validate(string? name, SiteOptions o)
    {
        var errors = new List<string>();
        void Fail(string key, string message) => errors.Add($"Site:{key}: {message}");

        if (!Uri.TryCreate(o.CoordinatorUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            Fail(nameof(o.CoordinatorUrl), $"'{o.CoordinatorUrl}' is not an http(s) URL; set it to the coordinator's address, e.g. https://coordinator:7443");
        else if (url.Scheme == "http" && !IsLoopback(url))
            Fail(nameof(o.CoordinatorUrl), $"plaintext http is allowed only to a loopback coordinator, not '{url.Host}'; use https with TLS certificates");

        var nameBytes = Encoding.UTF8.GetByteCount(o.DisplayName ?? "");
        if (string.IsNullOrWhiteSpace(o.DisplayName) || nameBytes > 128)
            Fail(nameof(o.DisplayName), $"must be 1..128 UTF-8 bytes (got {nameBytes}); set a name the central team will recognise");

        if (string.IsNullOrWhiteSpace(o.DataDirectory))
            Fail(nameof(o.DataDirectory), "is empty; set it to the folder holding this site's IDX or CSV files");
        else if (!Directory.Exists(o.DataDirectory))
            Fail(nameof(o.DataDirectory), $"folder '{Path.GetFullPath(o.DataDirectory)}' does not exist");

        if (!(o.ValidationFraction > 0 && o.ValidationFraction < 1))
            Fail(nameof(o.ValidationFraction), $"{o.ValidationFraction.ToString(CultureInfo.InvariantCulture)} is outside (0, 1); 0.2 keeps a fifth of the examples for validation");
        if (!TryParseClasses(o.ImageClasses, out _))
            Fail(nameof(o.ImageClasses), $"'{o.ImageClasses}' is not a comma-separated list of distinct labels 0-9, e.g. 5,6,7,8,9");
        if (string.IsNullOrWhiteSpace(o.CsvLabelColumn))
            Fail(nameof(o.CsvLabelColumn), "is empty; name the CSV header column that holds the class label");
        if (!IsDeviceText(o.Device))
            Fail(nameof(o.Device), $"'{o.Device}' is not a device; use cpu, cuda, cuda:N or auto");
        if (o.Threads < 0)
            Fail(nameof(o.Threads), $"{o.Threads} is negative; use 0 for the engine's default or a thread count");
        if (o.PollMaxWaitMs is < 0 or > 60000)
            Fail(nameof(o.PollMaxWaitMs), $"{o.PollMaxWaitMs} is outside 0..60000 ms");
        if (o.ReconnectInitialDelayMs <= 0 || o.ReconnectMaxDelayMs < o.ReconnectInitialDelayMs)
            Fail(nameof(o.ReconnectMaxDelayMs), $"reconnect delays must satisfy 0 < initial ({o.ReconnectInitialDelayMs}) <= max ({o.ReconnectMaxDelayMs}) ms");
        if (o.TransferTimeoutSeconds is < 10 or > 86400)
            Fail(nameof(o.TransferTimeoutSeconds), $"{o.TransferTimeoutSeconds} is outside 10..86400 seconds");
        if (!Enum.IsDefined(o.Transport))
            Fail(nameof(o.Transport), $"{o.Transport} is not a transport; use Http2 or GrpcWeb");
        else if (o.Transport == CoordinatorTransport.GrpcWeb && url is { Scheme: "http" })
            Fail(nameof(o.Transport), "GrpcWeb (HTTP/1.1) needs an https:// CoordinatorUrl: a plaintext coordinator speaks HTTP/2 only");
        if (o.FetchChunkBytes is < 4096 or > 3145728)
            Fail(nameof(o.FetchChunkBytes), $"{o.FetchChunkBytes} is outside 4096..3145728 bytes");
        if (o.LedgerSegmentBytes != 0 && o.LedgerSegmentBytes < 65536)
            Fail(nameof(o.LedgerSegmentBytes), $"{o.LedgerSegmentBytes} is below 65536 bytes; use 0 to never rotate the ledger");

        if (!string.IsNullOrWhiteSpace(o.BackboneConfigFile) && !File.Exists(o.BackboneConfigFile))
            Fail(nameof(o.BackboneConfigFile), $"file '{Path.GetFullPath(o.BackboneConfigFile)}' does not exist");

        if (!string.IsNullOrWhiteSpace(o.PolicyFile))
        {
            try
            {
                SitePolicyFile.Load(o.PolicyFile);
            }
            catch (SitePolicyException e)
            {
                Fail(nameof(o.PolicyFile), e.Message);
            }
        }

        var hasCert = !string.IsNullOrWhiteSpace(o.ClientCertificateFile);
        var hasKey = !string.IsNullOrWhiteSpace(o.ClientKeyFile);
        if (hasCert != hasKey)
            Fail(hasCert ? nameof(o.ClientKeyFile) : nameof(o.ClientCertificateFile), "client certificate and key are set together or not at all");
        foreach (var (key, path) in new[] { (nameof(o.ClientCertificateFile), o.ClientCertificateFile), (nameof(o.ClientKeyFile), o.ClientKeyFile), (nameof(o.TrustedCaFile), o.TrustedCaFile) })
        {
            if (!string.IsNullOrWhiteSpace(path) && !File.Exists(path))
                Fail(key, $"file '{Path.GetFullPath(path)}' does not exist");
        }
        if ((hasCert || !string.IsNullOrWhiteSpace(o.TrustedCaFile)) && url is { Scheme: "http" })
            Fail(nameof(o.CoordinatorUrl), "TLS certificates are configured but the URL is plaintext http; use https");

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Parses <see cref="SiteOptions.ImageClasses"/>: empty = null (keep all), else distinct labels 0-9.</summary>
    internal static bool TryParseClasses(string? text, out int[]? classes)
    {
        classes = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var parsed = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out parsed[i]) || parsed[i] > 9) return false;
        }
        if (parsed.Distinct().Count() != parsed.Length) return false;
        classes = parsed;
        return true;
    }

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>The device syntax the engine accepts; checked here without loading the engine.</summary>
    internal static bool IsDeviceText(string? text)
    {
        var s = text?.Trim().ToLowerInvariant();
        return s is "cpu" or "cuda" or "auto"
            || (s is not null && s.StartsWith("cuda:", StringComparison.Ordinal)
                && int.TryParse(s.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out _));
    }
}
