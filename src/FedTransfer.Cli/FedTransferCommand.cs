using System.CommandLine;
using FedTransfer.Cli.Commands;

namespace FedTransfer.Cli;

/// <summary>The root of the <c>fedtransfer</c> command: each subcommand lives in its own file under Commands/.</summary>
internal static class FedTransferCommand
{
    public static RootCommand Build()
    {
        var root = new RootCommand("FedTransfer: federated transfer learning with adapters. Sites fine-tune, only adapter deltas leave.");
        foreach (var command in Subcommands())
            root.Subcommands.Add(command);
        return root;
    }

    // New subcommands are added here, one factory per file.
    private static IEnumerable<Command> Subcommands() =>
    [
        CoordinatorCommand.Create(),
        SiteCommand.Create(),
        PretrainCommand.Create(),
        new Command("backbone", "Pretrained backbones from other formats.") { BackboneImportCommand.Create() },
        FinetuneCommand.Create(),
        new Command("federation", "Federations: a backbone, an adapter spec and a task.") { FederationCreateCommand.Create() },
        RunCommand(),
        WatchCommand.Create(),
        StatusCommand.Create(),
        ExportCommand.Create(),
        ProvisionCommand.Create(),
        RevokeCommand.Create(),
        DemoCommand.Create(),
        BenchTrainingCommand.Create(),
        BenchRoundsCommand.Create(),
        AuditCommand.Create(),
        BenchAuditCommand.Create(),
        BenchSecAggCommand.Create(),
        ExperimentCommand.Create(),
    ];

    private static Command RunCommand()
    {
        var run = new Command("run", "Runs of federated rounds: start, pause, resume, cancel.") { RunStartCommand.Create() };
        foreach (var control in RunControlCommands.Create()) run.Subcommands.Add(control);
        return run;
    }
}
