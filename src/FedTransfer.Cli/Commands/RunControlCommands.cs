using System.CommandLine;
using FedTransfer.Cli.Admin;
using FedTransfer.Contracts.V1;
using Spectre.Console;

namespace FedTransfer.Cli.Commands;

/// <summary>
/// <c>fedtransfer run cancel|pause|resume RUN</c>: the central team's control over a run that exists. Pause lets the
/// round in progress finish and starts no new one until resume; cancel ends the run for good, giving up its open round.
/// </summary>
internal static class RunControlCommands
{
    public static IEnumerable<Command> Create() =>
    [
        Make("cancel", "Stop a running or paused run for good: its open round is given up, results arriving later are recorded as late.",
            (admin, request, ct) => admin.CancelRunAsync(request, ct), "cancelled"),
        Make("pause", "Let the round in progress finish, then start no new round until `run resume` (survives a coordinator restart).",
            (admin, request, ct) => admin.PauseRunAsync(request, ct), "paused"),
        Make("resume", "Go on with a paused run from the round after its last completed one.",
            (admin, request, ct) => admin.ResumeRunAsync(request, ct), "resumed"),
    ];

    private static Command Make(string name, string description, Func<AdminClient, RunControlRequest, CancellationToken, Task<RunInfo>> call, string done)
    {
        var run = new Argument<string>("run") { Description = "The run id (`fedtransfer status` lists them)." };
        var reason = new Option<string>("--reason") { Description = "Why, one line; kept with the run's events.", DefaultValueFactory = _ => "" };
        var command = new Command(name, description) { run, reason };
        CoordinatorConnection.AddOptions(command);
        command.SetAction((result, ct) => CommandRunner.RunAsync(async ct =>
        {
            using var admin = AdminClient.Connect(CoordinatorConnection.From(result));
            var info = await call(admin, new RunControlRequest { RunId = result.GetValue(run)!, Reason = result.GetValue(reason) ?? "" }, ct);
            AnsiConsole.MarkupLine($"Run [bold]{Markup.Escape(info.RunId)}[/] {done}: {info.CompletedRounds} of {info.Rounds} rounds completed, state {Format.RunState(info.State)}.");
            return 0;
        }, ct));
        return command;
    }
}
