using System.CommandLine;
using FedTransfer.Cli.Admin;
using FedTransfer.Cli.Watch;
using Spectre.Console;

namespace FedTransfer.Cli.Commands;

/// <summary><c>fedtransfer watch</c>: a live view of a run until it ends.</summary>
internal static class WatchCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "Run id (from `run start`).", Required = true };
        var command = new Command("watch", "Watch a run live: round progress, per-site state, loss and accuracy, bytes in and out.") { run };
        CoordinatorConnection.AddOptions(command);
        command.SetAction((result, ct) => CommandRunner.RunAsync(async ct =>
        {
            using var admin = AdminClient.Connect(CoordinatorConnection.From(result));
            var runId = result.GetValue(run)!;
            var status = await admin.GetStatusAsync(runId, ct);
            var info = status.Runs.FirstOrDefault(r => r.RunId == runId)
                ?? throw new ArgumentException($"The coordinator has no run '{runId}'; `fedtransfer status` lists the runs.");
            var progress = new RunProgress(runId, info.Rounds);
            await AnsiConsole.Live(RunWatchView.Render(progress)).AutoClear(false).StartAsync(async live =>
            {
                await foreach (var e in admin.WatchAsync(runId, 0, ct))
                {
                    progress.Apply(e);
                    live.UpdateTarget(RunWatchView.Render(progress));
                    if (progress.Finished)
                        break;
                }
            });
            // Scripts tell the endings apart: 0 finished, 1 failed, 3 cancelled.
            return progress.FailureReason is not null ? 1 : progress.CancelReason is not null ? 3 : 0;
        }, ct));
        return command;
    }
}
