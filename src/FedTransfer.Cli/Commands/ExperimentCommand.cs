using System.CommandLine;
using System.Globalization;
using FedTransfer.Cli.Experiment;
using FedTransfer.Federation.Strategies;

namespace FedTransfer.Cli.Commands;

/// <summary><c>fedtransfer experiment</c>: the results table (what `./build.sh bench learning` runs), written to BENCHMARKS.md.</summary>
internal static class ExperimentCommand
{
    public static Command Create()
    {
        var d = new ExperimentSettings();
        var work = new Option<string>("--work-dir") { Description = "Scratch folder for the sites' data and the runs (wiped at start).", DefaultValueFactory = _ => d.WorkDirectory };
        var backbone = new Option<string>("--backbone") { Description = "Backbone folder; pretrained there first if empty.", DefaultValueFactory = _ => d.BackboneDirectory };
        var output = new Option<string?>("--out") { Description = $"Markdown file for the table (default {d.OutputPath}; with --quick, quick-BENCHMARKS.md in --work-dir's parent)." };
        var sites = new Option<int>("--sites") { Description = "Sites the images are split over.", DefaultValueFactory = _ => d.Sites };
        var alphas = new Option<string>("--alphas") { Description = "Dirichlet concentrations, comma-separated.", DefaultValueFactory = _ => Join(d.Alphas) };
        var seeds = new Option<string>("--seeds") { Description = "Seeds (replicates), comma-separated.", DefaultValueFactory = _ => string.Join(',', d.Seeds) };
        var rounds = new Option<int>("--rounds") { Description = "Federated rounds (centralised and site-alone get as many rounds of as many epochs).", DefaultValueFactory = _ => d.Rounds };
        var epochs = new Option<int>("--local-epochs") { Description = "Local epochs per round.", DefaultValueFactory = _ => d.LocalEpochs };
        var train = new Option<int>("--train-examples") { Description = "Training images shared out among the sites.", DefaultValueFactory = _ => d.TrainExamples };
        var test = new Option<int>("--test-examples") { Description = "Held-out test images (every scanner shift).", DefaultValueFactory = _ => d.TestExamples };
        var lr = new Option<double>("--lr") { Description = "AdamW rate for adapters and head-only.", DefaultValueFactory = _ => d.LearningRate };
        var fullLr = new Option<double>("--full-lr") { Description = "AdamW rate for full fine-tuning.", DefaultValueFactory = _ => d.FullLearningRate };
        var lora = new Option<string>("--lora") { Description = "LoRA spec of every LoRA row (the rows add agg=frozen-a / agg=exact).", DefaultValueFactory = _ => d.LoraSpec };
        var bottleneck = new Option<string>("--bottleneck") { Description = "Bottleneck adapter spec.", DefaultValueFactory = _ => d.BottleneckSpec };
        var parallel = new Option<int>("--parallel") { Description = "Runs at a time, one engine thread each (0 = one per core).", DefaultValueFactory = _ => d.Parallelism };
        var only = new Option<string>("--methods") { Description = $"Only these rows, comma-separated: {string.Join(", ", ExperimentMethod.Keys)} (default all)." , DefaultValueFactory = _ => "" };
        var strategy = new Option<string>("--strategy") { Description = $"Server strategy of every federated row: {string.Join(", ", StrategyRegistry.Names)}.", DefaultValueFactory = _ => d.Strategy };
        var strategySettings = new Option<string[]>("--setting") { Description = "Strategy setting key=value (repeatable), as `run start` takes it.", AllowMultipleArgumentsPerToken = true };
        var fraction = new Option<double>("--fraction") { Description = "Share of the sites sampled each round in the federated rows.", DefaultValueFactory = _ => d.Fraction };
        var dpEpsilons = new Option<string>("--central-dp-epsilons")
        {
            Description = "Measure central DP instead of the learning table: federated LoRA (frozen-a) without DP beside DP-FedAvg at each of these epsilons (comma-separated), " +
                          "written as the central DP section of the output file.",
            DefaultValueFactory = _ => "",
        };
        var dpClip = new Option<double>("--central-dp-clip") { Description = "L2 norm each site's delta is clipped to in the DP rows.", DefaultValueFactory = _ => d.CentralDpClip };
        var dpDelta = new Option<double>("--central-dp-delta") { Description = "Delta of the DP rows' (epsilon, delta).", DefaultValueFactory = _ => d.CentralDpDelta };
        var quick = new Option<bool>("--quick") { Description = "Smoke test: alpha 1.0, one seed, 3 rounds of 2 epochs, 400 training and 200 test images." };
        var command = new Command("experiment", "Measure federated transfer against centralised and site-alone training (LoRA modes, adapters, head-only, full) and write BENCHMARKS.md.")
        {
            work, backbone, output, sites, alphas, seeds, rounds, epochs, train, test, lr, fullLr, lora, bottleneck, parallel, only, strategy, strategySettings,
            fraction, dpEpsilons, dpClip, dpDelta, quick,
        };
        command.SetAction((r, ct) => CommandRunner.RunAsync(token =>
        {
            var settings = new ExperimentSettings
            {
                WorkDirectory = r.GetValue(work)!, BackboneDirectory = r.GetValue(backbone)!, Sites = AtLeast(r.GetValue(sites), 1, "--sites"),
                Alphas = ParseList(r.GetValue(alphas)!, "--alphas", double.Parse, a => a > 0),
                Seeds = ParseList(r.GetValue(seeds)!, "--seeds", ulong.Parse, _ => true),
                Rounds = AtLeast(r.GetValue(rounds), 1, "--rounds"), LocalEpochs = AtLeast(r.GetValue(epochs), 1, "--local-epochs"),
                TrainExamples = AtLeast(r.GetValue(train), 10, "--train-examples"), TestExamples = AtLeast(r.GetValue(test), 1, "--test-examples"),
                LearningRate = Positive(r.GetValue(lr), "--lr"), FullLearningRate = Positive(r.GetValue(fullLr), "--full-lr"),
                Methods = MethodKeys(r.GetValue(only)!),
                Strategy = r.GetValue(strategy)!,
                StrategySettings = StrategyRegistry.ParseSettings(r.GetValue(strategy)!, r.GetValue(strategySettings) ?? []),
                LoraSpec = r.GetValue(lora)!, BottleneckSpec = r.GetValue(bottleneck)!, Parallelism = AtLeast(r.GetValue(parallel), 0, "--parallel"),
                Fraction = r.GetValue(fraction) is > 0 and <= 1 and var f ? f : throw new ArgumentException($"--fraction must be in (0, 1], not {r.GetValue(fraction)}."),
                CentralDpEpsilons = r.GetValue(dpEpsilons) is { Length: > 0 } eps ? ParseList(eps, "--central-dp-epsilons", double.Parse, e => e > 0 && double.IsFinite(e)) : [],
                CentralDpClip = Positive(r.GetValue(dpClip), "--central-dp-clip"),
                CentralDpDelta = r.GetValue(dpDelta) is > 0 and < 1 and var delta ? delta : throw new ArgumentException($"--central-dp-delta must be in (0, 1), not {r.GetValue(dpDelta)}."),
            };
            if (r.GetValue(quick)) settings = settings.AsQuick();
            var path = r.GetValue(output) ?? (settings.Quick ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(settings.WorkDirectory))!, "quick-BENCHMARKS.md") : d.OutputPath);
            return ExperimentCommandBody.RunAsync(settings with { OutputPath = path }, "fedtransfer " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)), token);
        }, ct));
        return command;
    }

    private static string Join(IEnumerable<double> values) => string.Join(',', values.Select(v => v.ToString(CultureInfo.InvariantCulture)));

    private static IReadOnlyList<T> ParseList<T>(string text, string name, Func<string, IFormatProvider, T> parse, Func<T, bool> valid)
    {
        var values = new List<T>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            T value;
            try
            {
                value = parse(part, CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                throw new ArgumentException($"{name}: '{part}' is not a valid value; give a comma-separated list such as the default");
            }
            if (!valid(value)) throw new ArgumentException($"{name}: '{part}' is out of range");
            values.Add(value);
        }
        return values.Count > 0 ? values : throw new ArgumentException($"{name} is empty; give at least one value");
    }

    private static IReadOnlyList<string> MethodKeys(string text)
    {
        var keys = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(k => k.ToLowerInvariant()).ToList();
        var unknown = keys.FirstOrDefault(k => !ExperimentMethod.Keys.Contains(k));
        return unknown is null ? keys : throw new ArgumentException($"--methods: unknown method '{unknown}'; choose from {string.Join(", ", ExperimentMethod.Keys)}");
    }

    private static int AtLeast(int value, int min, string name) =>
        value >= min ? value : throw new ArgumentException($"{name} must be at least {min}, not {value}.");

    private static double Positive(double value, string name) =>
        value > 0 && double.IsFinite(value) ? value : throw new ArgumentException($"{name} must be a positive number, not {value}.");
}
