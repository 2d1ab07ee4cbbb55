using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using FedTransfer.Federation.Hosting;

namespace FedTransfer.Site;

/// <summary>Builds the site's Generic Host, as <c>fedtransfer site</c> runs it.</summary>
public static class SiteHost
{
    /// <summary>File name of the documented defaults shipped beside the executable.</summary>
    public const string DefaultsFileName = "site.appsettings.json";

    /// <summary>
    /// Creates the host. Configuration, later sources winning: <see cref="DefaultsFileName"/> beside the executable, the
    /// optional <paramref name="configFile"/>, environment variables prefixed <c>FEDTRANSFER_</c> (e.g.
    /// <c>FEDTRANSFER_Site__DisplayName</c>), then <paramref name="args"/> such as <c>--Site:DisplayName=clinic-a</c>.
    /// </summary>
    /// <param name="args">Configuration overrides in command-line form.</param>
    /// <param name="configFile">A JSON settings file, or null.</param>
    /// <param name="configureServices">Extra registrations made before the site's own (e.g. a replacement trainer).</param>
    public static IHost Build(IReadOnlyList<string> args, string? configFile = null, Action<IServiceCollection>? configureServices = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, DefaultsFileName), optional: true, reloadOnChange: false);
        if (!string.IsNullOrWhiteSpace(configFile))
        {
            var path = Path.GetFullPath(configFile);
            if (!File.Exists(path))
                throw new FileNotFoundException($"site configuration file '{path}' does not exist; pass an existing JSON file to --config", path);
            builder.Configuration.AddJsonFile(path, optional: false, reloadOnChange: false);
            builder.Configuration.AddInMemoryCollection(KitRelativePaths(path));
        }
        builder.Configuration.AddEnvironmentVariables("FEDTRANSFER_");
        builder.Configuration.AddCommandLine([.. args]);

        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        // AddConsole (not AddSimpleConsole, which pins the formatter) so that Logging:Console:FormatterName=json gives JSON lines.
        builder.Logging.AddConsole();
        builder.Services.Configure<SimpleConsoleFormatterOptions>(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
            if (!TerminalColour.IsWantedOnStandardOutput()) o.ColorBehavior = LoggerColorBehavior.Disabled;
        });
        // Training checks for cancellation between batches, so a few seconds are enough to abandon a task cleanly.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));
        configureServices?.Invoke(builder.Services);
        builder.Services.AddSiteServices(builder.Configuration);
        return builder.Build();
    }

    /// <summary>
    /// Validates the settings and opens the ledger, the two things a start fails on most. Called before the host
    /// starts, their faults reach the caller as exceptions with one-line messages; inside StartAsync the host would
    /// first log them with a stack trace ("Hosting failed to start").
    /// </summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is invalid.</exception>
    /// <exception cref="Federation.Ledger.LedgerCorruptException">The ledger is damaged; the message says what to do.</exception>
    public static void OpenBeforeStart(IHost host)
    {
        _ = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Configuration.SiteOptions>>().Value;
        _ = host.Services.GetRequiredService<Ledger.SiteLedger>();
    }

    /// <summary>
    /// Certificate, key and CA paths in a settings file are relative to its folder (a startup kit works wherever it is
    /// unpacked, whatever the working directory); returns them made absolute, to be layered right above the file.
    /// </summary>
    private static Dictionary<string, string?> KitRelativePaths(string configFile)
    {
        var folder = Path.GetDirectoryName(configFile)!;
        var values = new ConfigurationBuilder().AddJsonFile(configFile, optional: false, reloadOnChange: false).Build();
        var resolved = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in new[] { "Site:ClientCertificateFile", "Site:ClientKeyFile", "Site:TrustedCaFile" })
        {
            if (values[key] is { Length: > 0 } value && !Path.IsPathRooted(value)) resolved[key] = Path.GetFullPath(Path.Combine(folder, value));
        }
        return resolved;
    }
}
