using System.CommandLine;
using FedTransfer.Cli.Demo;

namespace FedTransfer.Cli.Commands;

/// <summary>
/// <c>fedtransfer demo prepare --out DIR</c>: the demo's backbone and site data folders without starting anything, for
/// setups that run the coordinator and sites themselves (docker compose).
/// </summary>
internal static class DemoPrepareCommand
{
    public static Command Create()
    {
        var d = new DemoSettings();
        var output = new Option<string>("--out") { Description = "Folder to write backbone/ and site-N/data/ into (the backbone is kept if already there).", Required = true };
        var sites = new Option<int>("--sites") { Description = "Sites to write data for.", DefaultValueFactory = _ => d.Sites };
        var alpha = new Option<double>("--alpha") { Description = "Dirichlet concentration of the class split (smaller = more skewed).", DefaultValueFactory = _ => d.Alpha };
        var examples = new Option<int>("--train-examples") { Description = "Labelled target-task images shared out among the sites.", DefaultValueFactory = _ => d.TrainExamples };
        var seed = new Option<long>("--seed") { Description = "Seed for data split and shifts.", DefaultValueFactory = _ => (long)d.Seed };
        var command = new Command("prepare", "Write the demo's backbone (pretrained if not cached) and each site's data folder, and start nothing.")
        {
            output, sites, alpha, examples, seed,
        };
        command.SetAction((result, ct) => CommandRunner.RunAsync(token => DemoPreparation.PrepareAsync(new DemoSettings
        {
            Sites = DemoCommand.Positive(result.GetValue(sites), "--sites"), Alpha = result.GetValue(alpha),
            TrainExamples = DemoCommand.Positive(result.GetValue(examples), "--train-examples"), Seed = (ulong)result.GetValue(seed),
        }, result.GetValue(output)!, token), ct));
        return command;
    }
}
