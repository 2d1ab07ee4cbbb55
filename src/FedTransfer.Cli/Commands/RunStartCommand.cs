using System.CommandLine;
using FedTransfer.Cli.Admin;
using FedTransfer.Contracts.V1;
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
        var strategy = new Option<string>("--strategy") { Description = "Aggregation strategy name, e.g. fedavg.", DefaultValueFactory = _ => "fedavg" };
        var settings = new Option<string[]>("--setting") { Description = "Strategy setting key=value (repeatable).", AllowMultipleArgumentsPerToken = true };
        var fraction = new Option<double>("--fraction") { Description = "Fraction of online sites sampled per round (0..1].", DefaultValueFactory = _ => 1.0 };
        var minSites = new Option<int>("--min-sites") { Description = "Minimum sites per round; below it the round fails.", DefaultValueFactory = _ => 1 };
        var timeout = new Option<int>("--round-timeout") { Description = "Seconds a round waits for sampled sites beyond the minimum.", DefaultValueFactory = _ => 600 };
        var evalEvery = new Option<int>("--eval-every") { Description = "Federated evaluation every N rounds (0 = never).", DefaultValueFactory = _ => 1 };
        var epochs = new Option<int>("--epochs") { Description = "Local epochs per round.", DefaultValueFactory = _ => 1 };
        var batch = new Option<int>("--batch-size") { Description = "Local batch size.", DefaultValueFactory = _ => 32 };
        var lr = new Option<double>("--lr") { Description = "Local learning rate.", DefaultValueFactory = _ => 3e-3 };
        var mu = new Option<double>("--fedprox-mu") { Description = "FedProx proximal coefficient (0 = off).", DefaultValueFactory = _ => 0.0 };
        var seed = new Option<long>("--seed") { Description = "Run seed (per-site seeds derive from it).", DefaultValueFactory = _ => 1 };
        var encoding = new Option<string>("--update-encoding")
        {
            Description = "How sites encode their deltas: float32 (lossless), float16 or bfloat16 (half the bytes), int8 (per-tensor affine " +
                          "8-bit, a quarter; error at most scale/2 per element). The coordinator decodes before aggregating. " +
                          "LoRA aggregation (naive|frozen-a|exact) is chosen in the federation's adapter spec, e.g. --adapter lora:r=8,agg=exact.",
            DefaultValueFactory = _ => "float32",
        };

        var command = new Command("start", "Start a run of federated rounds.");
        foreach (var o in new Option[] { federation, rounds, strategy, settings, fraction, minSites, timeout, evalEvery, epochs, batch, lr, mu, seed, encoding })
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
            foreach (var pair in result.GetValue(settings) ?? [])
            {
                var eq = pair.IndexOf('=');
                if (eq <= 0)
                    throw new ArgumentException($"--setting '{pair}' is not key=value.");
                request.StrategySettings[pair[..eq]] = pair[(eq + 1)..];
            }
            using var admin = AdminClient.Connect(CoordinatorConnection.From(result));
            var run = await admin.StartRunAsync(request, ct);
            AnsiConsole.MarkupLine($"Run [bold]{run.RunId}[/] started: {run.Rounds} rounds of {Markup.Escape(request.Strategy)}, " +
                                   $"{DeltaEncodings.Parse(result.GetValue(encoding)).ToText()} updates. Watch it with `fedtransfer watch --run {run.RunId}`.");
            return 0;
        }, ct));
        return command;
    }
}
