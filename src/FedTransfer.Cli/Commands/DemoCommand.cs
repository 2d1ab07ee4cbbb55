using System.CommandLine;
using FedTransfer.Cli.Demo;

namespace FedTransfer.Cli.Commands;

/// <summary><c>fedtransfer demo</c>: the whole system end to end on this machine (what `./build.sh demo` runs).</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var d = new DemoSettings();
        var work = new Option<string>("--work-dir") { Description = "Scratch folder for coordinator and site state (wiped at start, except kit/, the certificates it provisions once).", DefaultValueFactory = _ => d.WorkDirectory };
        var backbone = new Option<string>("--backbone") { Description = "Backbone folder; pretrained there first if empty.", DefaultValueFactory = _ => d.BackboneDirectory };
        var sites = new Option<int>("--sites") { Description = "Site processes to start.", DefaultValueFactory = _ => d.Sites };
        var rounds = new Option<int>("--rounds") { Description = "Federated rounds.", DefaultValueFactory = _ => d.Rounds };
        var alpha = new Option<double>("--alpha") { Description = "Dirichlet concentration of the class split (smaller = more skewed).", DefaultValueFactory = _ => d.Alpha };
        var examples = new Option<int>("--train-examples") { Description = "Labelled target-task images shared out among the sites.", DefaultValueFactory = _ => d.TrainExamples };
        var epochs = new Option<int>("--local-epochs") { Description = "Local epochs per round.", DefaultValueFactory = _ => d.LocalEpochs };
        var adapter = new Option<string>("--adapter") { Description = "Adapter spec.", DefaultValueFactory = _ => d.AdapterSpec };
        var seed = new Option<long>("--seed") { Description = "Seed for data split, shifts and initialisation.", DefaultValueFactory = _ => (long)d.Seed };
        var noBaselines = new Option<bool>("--no-baselines") { Description = "Skip the site-alone and centralised comparisons." };
        var command = new Command("demo", "Run the whole system on this machine: coordinator + sites on loopback, federated LoRA transfer, comparison with local and centralised training.")
        {
            work, backbone, sites, rounds, alpha, examples, epochs, adapter, seed, noBaselines,
        };
        command.SetAction((result, ct) => CommandRunner.RunAsync(token => new DemoRunner(new DemoSettings
        {
            WorkDirectory = result.GetValue(work)!, BackboneDirectory = result.GetValue(backbone)!, Sites = Positive(result.GetValue(sites), "--sites"),
            Rounds = Positive(result.GetValue(rounds), "--rounds"), Alpha = result.GetValue(alpha), TrainExamples = Positive(result.GetValue(examples), "--train-examples"),
            LocalEpochs = Positive(result.GetValue(epochs), "--local-epochs"), AdapterSpec = result.GetValue(adapter)!, Seed = (ulong)result.GetValue(seed),
            Baselines = !result.GetValue(noBaselines),
        }).RunAsync(token), ct));
        return command;
    }

    private static int Positive(int value, string name) =>
        value > 0 ? value : throw new ArgumentException($"{name} must be at least 1, not {value}.");
}
