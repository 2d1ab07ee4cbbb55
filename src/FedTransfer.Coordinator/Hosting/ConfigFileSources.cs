using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.FileProviders;

namespace FedTransfer.Coordinator;

/// <summary>
/// A settings file given with <c>--config</c> (e.g. a startup kit's coordinator.appsettings.json). Certificate, key and CA
/// paths in it are relative to the file's folder, so a kit works wherever it is unpacked and whatever the working
/// directory; other settings keep their usual meaning.
/// </summary>
internal static class ConfigFileSources
{
    /// <summary>The settings in the file that name files, resolved against the file's folder when relative.</summary>
    public static readonly string[] PathKeys =
    [
        "Coordinator:Listener:CertificatePath", "Coordinator:Listener:CertificateKeyPath", "Coordinator:Listener:ClientCaPath",
        "Coordinator:Listener:RevocationListPath",
    ];

    /// <exception cref="FileNotFoundException">The file does not exist; the message names it.</exception>
    public static IConfigurationSource[] For(string configFile)
    {
        var path = Path.GetFullPath(configFile);
        if (!File.Exists(path))
            throw new FileNotFoundException($"coordinator configuration file '{path}' does not exist; pass an existing JSON file to --config", path);
        var folder = Path.GetDirectoryName(path)!;
        var json = new JsonConfigurationSource { Path = Path.GetFileName(path), Optional = false, FileProvider = new PhysicalFileProvider(folder) };
        var values = new ConfigurationBuilder().Add(json).Build();
        var resolved = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in PathKeys)
        {
            if (values[key] is { Length: > 0 } value && !Path.IsPathRooted(value)) resolved[key] = Path.GetFullPath(Path.Combine(folder, value));
        }
        return [json, new MemoryConfigurationSource { InitialData = resolved }];
    }
}
