using System.CommandLine;
using FedTransfer.Cli.Admin;
using FedTransfer.Contracts.V1;
using FedTransfer.Federation.Privacy;
using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Updates;
using Spectre.Console;

namespace FedTransfer.Cli.Commands;

/// <summary><c>fedtransfer run start</c>: starts a run of federated rounds on a federation.</summary>
internal static class RunStartCommand
{
    public static Command Create()
    {
        var federation = new Option<string>("--federation") { Description = "Federation id (from `federation create`).", Required = true };
        var rounds = new Option<int>("--rounds") { Description = "Training rounds.", DefaultValueFactory = _ => 10 };
        var strategy = new Option<string>("--strategy")
        {
            Description = $"Aggregation strategy: {string.Join(", ", StrategyRegistry.Names)}.", DefaultValueFactory = _ => FedAvg.StrategyName,
        };
        var settings = new Option<string[]>("--setting")
        {
            Description = "Strategy setting key=value (repeatable). Settings with their defaults:" + Environment.NewLine + StrategyRegistry.Describe(),
            AllowMultipleArgumentsPerToken = true,
        };
        var fraction = new Option<double>("--fraction") { Description = "Fraction of online sites sampled per round (0..1].", DefaultValueFactory = _ => 1.0 };
        var minSites = new Option<int>("--min-sites") { Description = "Minimum sites per round; below it the round fails.", DefaultValueFactory = _ => 1 };
        var timeout = new Option<int>("--round-timeout") { Description = "Seconds a round waits for sampled sites beyond the minimum.", DefaultValueFactory = _ => 600 };
        var evalEvery = new Option<int>("--eval-every") { Description = "Federated evaluation every N rounds (0 = never).", DefaultValueFactory = _ => 1 };
        var epochs = new Option<int>("--epochs") { Description = "Local epochs per round.", DefaultValueFactory = _ => 1 };
        var batch = new Option<int>("--batch-size") { Description = "Local batch size.", DefaultValueFactory = _ => 32 };
        var lr = new Option<double>("--lr") { Description = "Local learning rate.", DefaultValueFactory = _ => 3e-3 };
        var mu = new Option<double>("--fedprox-mu") { Description = "FedProx proximal coefficient (0 = off; --strategy fedprox sets its own mu).", DefaultValueFactory = _ => 0.0 };
        var seed = new Option<long>("--seed") { Description = "Run seed (per-site seeds derive from it).", DefaultValueFactory = _ => 1 };
        var encoding = new Option<string>("--update-encoding")
        {
            Description = "How sites encode their deltas: float32 (lossless), float16 or bfloat16 (half the bytes), int8 (per-tensor affine " +
                          "8-bit, a quarter; error at most scale/2 per element). The coordinator decodes before aggregating. " +
                          "LoRA aggregation (naive|frozen-a|exact) is chosen in the federation's adapter spec, e.g. --adapter lora:r=8,agg=exact.",
            DefaultValueFactory = _ => "float32",
        };

        var dpClip = new Option<double>("--central-dp-clip")
        {
            Description = "Central DP (DP-FedAvg): clip each site's delta to this L2 norm, add Gaussian noise to the sum, divide by the sites sampled. " +
                          "Setting it turns central DP on; it needs --central-dp-noise-multiplier and --central-dp-epsilon-budget.",
        };
        var dpNoise = new Option<double>("--central-dp-noise-multiplier") { Description = "Central DP: noise std on the sum as a multiple of --central-dp-clip." };
        var dpBudget = new Option<double>("--central-dp-epsilon-budget") { Description = "Central DP: the run stops before a round that would spend more epsilon than this." };
        var dpDelta = new Option<double>("--central-dp-delta") { Description = "Central DP: delta of the (epsilon, delta) guarantee.", DefaultValueFactory = _ => 1e-5 };

        var quiet = new Option<bool>("--quiet") { Description = "Print only the run id (for scripts)." };
        var waitForSites = new Option<int>("--wait-for-sites")
        {
            Description = "Before starting, wait until this many sites are online (for scripts that start sites and the run together); 0 = do not wait.",
            DefaultValueFactory = _ => 0,
        };
        var waitTimeout = new Option<int>("--wait-timeout") { Description = "Seconds --wait-for-sites may wait.", DefaultValueFactory = _ => 600 };

        var command = new Command("start", "Start a run of federated rounds.");
        foreach (var o in new Option[] { federation, rounds, strategy, settings, fraction, minSites, timeout, evalEvery, epochs, batch, lr, mu, seed, encoding, dpClip, dpNoise, dpBudget, dpDelta, quiet, waitForSites, waitTimeout })
            command.Options.Add(o);
        CoordinatorConnection.AddOptions(command);

        command.SetAction((result, ct) => CommandRunner.RunAsync(async ct =>
        {
            var request = new StartRunRequest
            {
                FederationId = result.GetValue(federation)!,
                Rounds = result.GetValue(rounds),
                Strategy = result.GetValue(strategy)!,
                Fraction = result.GetValue(fraction),
                MinSites = result.GetValue(minSites),
                RoundTimeoutSeconds = result.GetValue(timeout),
                EvalEvery = result.GetValue(evalEvery),
                UpdateEncoding = (UpdateEncoding)(int)DeltaEncodings.Parse(result.GetValue(encoding)),
                HyperParameters = new HyperParameters
                {
                    Epochs = result.GetValue(epochs),
                    BatchSize = result.GetValue(batch),
                    LearningRate = result.GetValue(lr),
                    FedproxMu = result.GetValue(mu),
                    Seed = result.GetValue(seed),
                },
            };
            if (result.GetResult(dpClip) is not null || result.GetResult(dpNoise) is not null || result.GetResult(dpBudget) is not null)
                request.CentralDp = new CentralPrivacy
                {
                    Clip = result.GetValue(dpClip), NoiseMultiplier = result.GetValue(dpNoise), EpsilonBudget = result.GetValue(dpBudget), Delta = result.GetValue(dpDelta),
                };
            if (request.CentralDp is { } dp && new CentralDpSettings(dp.Clip, dp.NoiseMultiplier, dp.EpsilonBudget, dp.Delta).Problem() is { } badDp)
                throw new ArgumentException(badDp.Replace("central_dp_", "--central-dp-").Replace("_", "-"));
            // Checked here as the coordinator would, so a typo fails before anything is sent.
            foreach (var (key, value) in StrategyRegistry.ParseSettings(request.Strategy, result.GetValue(settings) ?? []))
                request.StrategySettings[key] = value;
            using var admin = AdminClient.Connect(CoordinatorConnection.From(result));
            if (result.GetValue(waitForSites) > 0)
                await WaitForSitesAsync(admin, result.GetValue(waitForSites), TimeSpan.FromSeconds(result.GetValue(waitTimeout)), ct);
            var run = await admin.StartRunAsync(request, ct);
            if (result.GetValue(quiet))
            {
                result.InvocationConfiguration.Output.WriteLine(run.RunId);
                return 0;
            }
            AnsiConsole.MarkupLine($"Run [bold]{run.RunId}[/] started: {run.Rounds} rounds of {Markup.Escape(request.Strategy)}, " +
                                   $"{DeltaEncodings.Parse(result.GetValue(encoding)).ToText()} updates. Watch it with `fedtransfer watch --run {run.RunId}`.");
            return 0;
        }, ct));
        return command;
    }

    /// <summary>Polls the coordinator until <paramref name="count"/> sites are online.</summary>
    /// <exception cref="TimeoutException">Fewer were online when <paramref name="timeout"/> ran out.</exception>
    internal static async Task WaitForSitesAsync(AdminClient admin, int count, TimeSpan timeout, CancellationToken ct)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var online = (await admin.GetStatusAsync("", ct)).Sites.Count(s => s.State == SiteState.Online);
            if (online >= count)
                return;
            if (DateTime.UtcNow > until)
                throw new TimeoutException($"only {online} of {count} sites were online after {timeout.TotalSeconds:F0} s; check that the sites run and can reach the coordinator, or lower --wait-for-sites.");
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }
}
