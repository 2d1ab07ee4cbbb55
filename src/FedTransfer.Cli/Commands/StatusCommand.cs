using System.CommandLine;
using FedTransfer.Cli.Admin;
using FedTransfer.Contracts.V1;
using FedTransfer.Federation.Updates;
using Spectre.Console;

namespace FedTransfer.Cli.Commands;

/// <summary><c>fedtransfer status</c>: sites, federations and runs at a glance.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var run = new Option<string?>("--run") { Description = "Only this run." };
        var command = new Command("status", "Show the coordinator's sites, federations and runs.") { run };
        CoordinatorConnection.AddOptions(command);
        command.SetAction((result, ct) => CommandRunner.RunAsync(async ct =>
        {
            using var admin = AdminClient.Connect(CoordinatorConnection.From(result));
            var status = await admin.GetStatusAsync(result.GetValue(run) ?? "", ct);
            Render(status);
            return 0;
        }, ct));
        return command;
    }

    private static string EncodingText(UpdateEncoding encoding) =>
        DeltaEncodings.IsDefined((DeltaEncoding)(int)encoding) ? ((DeltaEncoding)(int)encoding).ToText() : $"#{(int)encoding}";

    /// <summary>"ε so far / budget (δ)" for a run with central DP, "-" without.</summary>
    internal static string CentralDpText(RunInfo run) => run.Settings?.CentralDp is { } dp
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{run.CentralDpEpsilon:0.###} / {dp.EpsilonBudget:0.###} (δ {dp.Delta:G3})")
        : "-";

    private static void Render(StatusResponse status)
    {
        AnsiConsole.MarkupLine($"Coordinator {Markup.Escape(status.CoordinatorVersion)}");
        var sites = new Table().Title("Sites").AddColumns("site", "name", "device", "train", "validation", "state", "last seen");
        foreach (var s in status.Sites)
            sites.AddRow(Markup.Escape(s.SiteId), Markup.Escape(s.DisplayName), Markup.Escape(s.Device),
                s.ExampleCounts?.Train.ToString() ?? "-", s.ExampleCounts?.Validation.ToString() ?? "-",
                s.State == SiteState.Online ? "[green]online[/]" : "[grey]offline[/]", Format.UnixMs(s.LastSeenUnixMs));
        AnsiConsole.Write(sites);

        var federations = new Table().Title("Federations").AddColumns("federation", "name", "adapter", "task", "trainable params");
        foreach (var f in status.Federations)
            federations.AddRow(Markup.Escape(f.FederationId), Markup.Escape(f.Name), Markup.Escape(f.AdapterSpec),
                Markup.Escape(f.TaskSpec), (f.Trainable?.ParameterCount ?? 0).ToString("N0"));
        AnsiConsole.Write(federations);

        var runs = new Table().Title("Runs").AddColumns("run", "federation", "state", "rounds", "strategy", "encoding", "central DP ε", "adapter", "why failed / stopped");
        foreach (var r in status.Runs)
            runs.AddRow(Markup.Escape(r.RunId), Markup.Escape(r.FederationId), Format.RunState(r.State),
                $"{r.CompletedRounds}/{r.Rounds}", Markup.Escape(r.Settings?.Strategy ?? ""), EncodingText(r.Settings?.UpdateEncoding ?? UpdateEncoding.Float32),
                CentralDpText(r), Format.ShortDigest(r.CurrentAdapter?.Digest), Markup.Escape(r.FailureReason.Length > 0 ? r.FailureReason : r.FinishReason));
        AnsiConsole.Write(runs);
    }
}
