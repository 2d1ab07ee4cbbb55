using System.Diagnostics;
using FedTransfer.Cli.Admin;
using FedTransfer.Cli.Demo;
using FedTransfer.Federation.Privacy;
using FedTransfer.Federation.Strategies;
using FedTransfer.Site.Configuration;
using FedTransfer.Site.Training;
using FedTransfer.Weights.Adapters;
using FedTransfer.Models.Training;
using Spectre.Console;

namespace FedTransfer.Cli.Experiment;

/// <summary>
/// Runs every method of the table in every (alpha, seed) cell. Cells' data and initial adapters are prepared first, one
/// at a time (initialisation draws from the engine's global generator, so it must not interleave); the runs then go in
/// parallel, each on one engine thread, which keeps every run deterministic and both cores busy.
/// </summary>
internal sealed class ExperimentRunner(ExperimentSettings settings)
{
    public async Task<ExperimentOutcome> RunAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var work = Path.GetFullPath(settings.WorkDirectory);
        if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        Directory.CreateDirectory(work);
        var parallelism = settings.EffectiveParallelism;
        FedTransfer.Models.Engine.SetThreads(parallelism > 1 ? 1 : Environment.ProcessorCount);

        var backbone = await DemoPreparation.EnsureBackboneAsync(settings.BackboneDirectory, ct);
        var methods = ExperimentMethod.For(settings);
        var unavailable = methods.Select(m => AdapterSpec.TryParse(m.AdapterSpec, out _, out var error) ? null : new UnavailableMethod(m, error!))
            .OfType<UnavailableMethod>()
            .Concat(methods.Where(m => settings.Methods.Count > 0 && !settings.Methods.Contains(m.Key)).Select(m => new UnavailableMethod(m, "not selected (--methods)")))
            .ToList();
        foreach (var u in unavailable.Where(u => !u.Reason.StartsWith("not selected", StringComparison.Ordinal)))
            AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(u.Method.Name)} cannot run in this build:[/] {Markup.Escape(u.Reason)}");

        var units = new List<Func<CancellationToken, Task<RunRecord>>>();
        foreach (var alpha in settings.Alphas)
            foreach (var seed in settings.Seeds)
                units.AddRange(PrepareCell(work, backbone, methods.Where(m => unavailable.All(u => u.Method != m)).ToList(), alpha, seed));

        AnsiConsole.MarkupLine($"{units.Count} runs, {parallelism} at a time: {settings.Rounds} rounds x {settings.LocalEpochs} local epoch(s) each.");
        var records = new List<RunRecord>();
        await Parallel.ForEachAsync(units, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct }, async (unit, token) =>
        {
            var started = Stopwatch.StartNew();
            var record = await unit(token);
            lock (records)
            {
                records.Add(record);
                ExperimentConsole.RunFinished(record, records.Count, units.Count, started.Elapsed);
            }
        });

        var rows = ExperimentResults.Rows(methods, settings.Alphas, records, unavailable);
        return new ExperimentOutcome(rows, new FileInfo(backbone.WeightsPath).Length, clock.Elapsed);
    }

    private IEnumerable<Func<CancellationToken, Task<RunRecord>>> PrepareCell(string work, BackboneFiles backbone,
        IReadOnlyList<ExperimentMethod> methods, double alpha, ulong seed)
    {
        var data = ExperimentData.Prepare(work, settings, alpha, seed);
        var evaluator = new TestEvaluator(backbone, data.Test);
        var simulation = new FederatedSimulation(backbone.WeightsPath, evaluator, settings.Strategy, settings.StrategySettings) { Fraction = settings.Fraction };
        var units = new List<Func<CancellationToken, Task<RunRecord>>>();
        for (var m = 0; m < methods.Count; m++)
        {
            var method = methods[m];
            var initial = Path.Combine(data.Directory, $"initial-{m}.safetensors");
            InitialAdapter.Write(backbone, method.AdapterSpec, ExperimentSettings.Classes, (long)seed, initial);
            var config = new TrainConfig(settings.LocalEpochs, settings.BatchSize, method.LearningRate, 0, (long)seed);
            var groups = Groups(method.Kind, data);
            foreach (var (siteIndex, members) in groups)
            {
                var runDirectory = Path.Combine(data.Directory, $"run-{m}" + (siteIndex is { } k ? $"-site-{k + 1}" : ""));
                units.Add(async token =>
                {
                    var participants = members.Select(p => new SimulatedParticipant(p.Name, Participant(p.Name, p.Directory, seed, backbone))).ToList();
                    var outcome = await simulation.RunAsync(runDirectory, method.AdapterSpec, method.Encoding, initial, participants, config, settings.Rounds, token,
                        CentralDpFor(method, participants.Count));
                    return new RunRecord(method, alpha, seed, siteIndex, outcome);
                });
            }
        }
        return units;
    }

    // A DP row's noise is calibrated so that the run's rounds at its sampling rate spend exactly the row's epsilon.
    private CentralDpSettings? CentralDpFor(ExperimentMethod method, int sites)
    {
        if (method.CentralDpEpsilon is not { } epsilon) return null;
        var q = FederatedSimulation.SamplingRate(settings.Fraction, sites);
        var z = NoiseCalibration.MultiplierFor(epsilon, settings.CentralDpDelta, q, settings.Rounds);
        return new CentralDpSettings(settings.CentralDpClip, z, epsilon, settings.CentralDpDelta);
    }

    /// <summary>The runs a method makes in a cell: who participates in each (site-alone: one run per site).</summary>
    private static List<(int? SiteIndex, List<(string Name, string Directory)> Members)> Groups(MethodKind kind, ExperimentData data)
    {
        var sites = data.SiteNames.Zip(data.SiteDirectories).ToList();
        return kind switch
        {
            MethodKind.Centralised => [(null, [("pooled", data.PooledDirectory)])],
            MethodKind.Federated => [(null, sites)],
            _ => sites.Select((site, k) => ((int?)k, new List<(string, string)> { site })).ToList(),
        };
    }

    private ILocalTrainer Participant(string name, string dataDirectory, ulong seed, BackboneFiles backbone) => LocalTrainers.CreateTorch(new SiteOptions
    {
        DisplayName = name, DataDirectory = dataDirectory, DataFormat = SiteDataFormat.Idx, ValidationFraction = settings.ValidationFraction,
        SplitSeed = (long)seed, Device = "cpu", BackboneConfigFile = backbone.ConfigPath,
    });
}

/// <summary>The table rows, the backbone's size (the upload fraction's denominator) and how long it all took.</summary>
internal sealed record ExperimentOutcome(IReadOnlyList<TableRow> Rows, long BackboneBytes, TimeSpan Elapsed);
