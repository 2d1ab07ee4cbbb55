using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using FedTransfer.Federation.Hosting;

namespace FedTransfer.Coordinator;

/// <summary>
/// The coordinator process, as <c>fedtransfer coordinator</c> runs it. Configuration, later sources winning:
/// coordinator.appsettings.json beside the binaries (the documented defaults), appsettings.json in the working
/// directory, the --config file, FEDTRANSFER_ environment variables (e.g. FEDTRANSFER_Coordinator__DataDirectory), command-line
/// arguments (e.g. --Coordinator:Listener:Url=http://0.0.0.0:7070).
/// </summary>
public static class CoordinatorHost
{
    /// <summary>The defaults file shipped beside the binaries.</summary>
    public const string DefaultsFileName = "coordinator.appsettings.json";

    /// <summary>Builds the coordinator application (not started).</summary>
    /// <param name="args">Command-line configuration overrides.</param>
    /// <param name="configure">Extra configuration (tests set in-memory values and replace services here).</param>
    /// <param name="configFile">A settings file (<c>--config</c>, e.g. a startup kit's), above appsettings.json and below
    /// environment variables and arguments; its certificate paths are relative to its folder. Null for none.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null, string? configFile = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
        // The shipped defaults go first so that everything else overrides them.
        var defaults = new JsonConfigurationSource { Path = Path.Combine(AppContext.BaseDirectory, DefaultsFileName), Optional = true };
        defaults.ResolveFileProvider();
        builder.Configuration.Sources.Insert(0, defaults);
        if (!string.IsNullOrWhiteSpace(configFile))
        {
            var sources = builder.Configuration.Sources;
            var at = sources.Select((s, i) => (s, i)).Where(x => x.s is JsonConfigurationSource).Select(x => x.i + 1).DefaultIfEmpty(1).Max();
            foreach (var source in ConfigFileSources.For(configFile).Reverse()) sources.Insert(at, source);
        }
        builder.Configuration.AddEnvironmentVariables("FEDTRANSFER_");
        builder.Configuration.AddCommandLine(args);
        // The default console logger already reads Logging:Console:FormatterName (json for JSON lines); colour follows one rule.
        if (!TerminalColour.IsWantedOnStandardOutput())
            builder.Services.Configure<SimpleConsoleFormatterOptions>(o => o.ColorBehavior = LoggerColorBehavior.Disabled);
        configure?.Invoke(builder);
        builder.Services.AddCoordinatorServices(builder.Configuration);
        var app = builder.Build();
        app.MapCoordinatorServices();
        return app;
    }

    /// <summary>Runs the coordinator until <paramref name="cancellationToken"/> fires or the process is asked to stop.</summary>
    public static async Task RunAsync(string[] args, CancellationToken cancellationToken = default, string? configFile = null)
    {
        await using var app = Build(args, configFile: configFile);
        // Faults found here end the start with the command's one line; found inside StartAsync, the host would log them
        // first with a stack trace ("Hosting failed to start").
        PortPreflight.EnsureBindable(app.Services.GetRequiredService<IOptions<CoordinatorOptions>>().Value.Listener.Url);
        app.Services.GetRequiredService<Persistence.CoordinatorDatabase>();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The addresses the started server listens on (port 0 resolved to the real port).</summary>
    public static IReadOnlyList<Uri> Addresses(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.Select(a => new Uri(a)).ToArray() ?? [];
}
