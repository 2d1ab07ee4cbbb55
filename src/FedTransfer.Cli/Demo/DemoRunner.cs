using System.Diagnostics;
using FedTransfer.Cli.Admin;
using FedTransfer.Cli.Provisioning;
using FedTransfer.Cli.Watch;
using FedTransfer.Contracts.V1;
using FedTransfer.Models.Training;
using Spectre.Console;

namespace FedTransfer.Cli.Demo;

/// <summary>
/// The end-to-end demo: pretrain (if not cached), one coordinator and N site processes on loopback, a
/// federated LoRA run watched round by round, then the comparison with each site alone and centralised training.
/// Every process it starts is stopped before it returns, whatever happens.
/// </summary>
internal sealed class DemoRunner(DemoSettings settings)
{
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var work = Path.GetFullPath(settings.WorkDirectory);
        CleanWorkDirectory(work); // each demo run starts from a clean coordinator and site state (the kit is kept)
        FedTransfer.Models.Engine.SetThreads(Environment.ProcessorCount);

        var backbone = await DemoPreparation.EnsureBackboneAsync(settings.BackboneDirectory, ct);
        AnsiConsole.MarkupLine($"[bold]1.[/] Backbone ready: {Markup.Escape(backbone.WeightsPath)} ({Format.Bytes(new FileInfo(backbone.WeightsPath).Length)})");

        var data = DemoData.Prepare(work, settings.Sites, settings.Alpha, settings.TrainExamples, settings.Seed);
        DemoReport.ShowSites(data);

        var models = new DemoModels(settings, backbone);
        var initialAdapter = models.WriteInitialAdapter(Path.Combine(work, "initial-adapter.safetensors"));

        var kit = DemoKit.Ensure(work, data.SiteNames);
        var logs = Path.Combine(work, "logs");
        await using var processes = new ChildProcessGroup(logs);
        var port = ChildProcessGroup.FreePort();
        var url = $"https://127.0.0.1:{port}";
        var coordinator = processes.Start("coordinator",
        [
            "coordinator", "--config", Path.Combine(kit.CoordinatorDirectory, KitLayout.CoordinatorConfigFile),
            $"--Coordinator:Listener:Url={url}", $"--Coordinator:DataDirectory={Path.Combine(work, "coordinator")}",
        ]);
        await ChildProcessGroup.WaitForPortAsync(coordinator, port, TimeSpan.FromSeconds(60), ct);
        AnsiConsole.MarkupLine($"[bold]3.[/] Coordinator listening on {url} with mutual TLS: every site and admin shows a certificate from the kit in " +
                               $"{Markup.Escape(kit.Root)} (log: {Markup.Escape(processes.LogPath("coordinator"))})");

        for (var k = 0; k < data.SiteNames.Count; k++)
        {
            var name = data.SiteNames[k];
            processes.Start(name,
            [
                "site", "--config", Path.Combine(kit.Site(name), KitLayout.SiteConfigFile),
                "--coordinator", url, "--name", name, "--data", data.SiteDirectories[k], "--device", "cpu",
                "--cache", Path.Combine(work, name, "cache"),
                // Sites share this machine's cores: one thread each keeps them from fighting.
                "--Site:Threads=1", $"--Site:SplitSeed={settings.Seed}", $"--Site:LedgerFile={DemoAudit.LedgerPath(work, name)}",
            ]);
        }

        using var admin = AdminClient.Connect(CoordinatorConnection.WithKit(new Uri(url), kit.Admin(DemoKit.AdminName)));
        await WaitForSitesAsync(admin, data.SiteNames.Count, logs, ct);
        AnsiConsole.MarkupLine($"[bold]4.[/] {data.SiteNames.Count} sites joined; they dialled out, nothing connected to them.");

        var backboneRef = await admin.UploadFileAsync(backbone.WeightsPath, "application/vnd.safetensors", ct);
        var initialRef = await admin.UploadFileAsync(initialAdapter, "application/vnd.safetensors", ct);
        var federation = await admin.CreateFederationAsync(new CreateFederationRequest
        {
            Name = "fashion-mnist-transfer", BackboneDigest = backboneRef.Digest, AdapterSpec = settings.AdapterSpec,
            TaskSpec = DemoSettings.TaskSpec, InitialAdapterDigest = initialRef.Digest,
        }, ct);
        var run = await admin.StartRunAsync(new StartRunRequest
        {
            FederationId = federation.FederationId, Rounds = settings.Rounds, Strategy = "fedavg", Fraction = 1.0,
            MinSites = data.SiteNames.Count, RoundTimeoutSeconds = 300, EvalEvery = 1,
            HyperParameters = new HyperParameters
            {
                Epochs = settings.LocalEpochs, BatchSize = settings.BatchSize, LearningRate = settings.LearningRate, Seed = (long)settings.Seed,
            },
        }, ct);
        AnsiConsole.MarkupLine($"[bold]5.[/] Federation {federation.FederationId}: {federation.Trainable.ParameterCount:N0} trainable parameters " +
                               $"of a {Format.Bytes(backboneRef.SizeBytes)} backbone; run {run.RunId}, {settings.Rounds} rounds of FedAvg.");

        var progress = await WatchAsync(admin, run, ct);
        if (progress.FailureReason is not null)
        {
            AnsiConsole.MarkupLine($"[red]The run failed: {Markup.Escape(progress.FailureReason)}[/] (logs in {Markup.Escape(processes.LogPath("coordinator"))})");
            return 1;
        }

        var finalAdapter = Path.Combine(work, "federated-adapter.safetensors");
        var finalDigest = progress.Rounds.Last(r => r.Kind == "train").AdapterDigest;
        await admin.DownloadAsync(finalDigest, finalAdapter, ct);
        var federated = models.EvaluateAdapter(finalAdapter, data.PooledTest);

        var comparison = new List<(string Name, double Accuracy, double Loss)> { ("federated (FedAvg, LoRA)", federated.Accuracy, federated.Loss) };
        if (settings.Baselines)
        {
            AnsiConsole.MarkupLine("[bold]7.[/] Baselines from the same initial adapter, same number of passes over the data:");
            for (var k = 0; k < data.SiteNames.Count; k++)
            {
                var alone = models.TrainAndEvaluate(initialAdapter, data.SiteTrain[k], data.PooledTest, ct);
                comparison.Add(($"{data.SiteNames[k]} alone", alone.Accuracy, alone.Loss));
            }
            var pooled = FedTransfer.Models.Data.Dataset.Concat(data.SiteTrain);
            var central = models.TrainAndEvaluate(initialAdapter, pooled, data.PooledTest, ct);
            comparison.Add(("centralised (pooled data)", central.Accuracy, central.Loss));
        }
        var initial = models.EvaluateAdapter(initialAdapter, data.PooledTest);
        comparison.Add(("initial adapter (no training)", initial.Accuracy, initial.Loss));

        DemoReport.ShowComparison(comparison, data.PooledTest.Count);
        DemoReport.ShowTraffic(progress, backboneRef.SizeBytes, data.SiteNames.Count);
        await processes.DisposeAsync(); // the sites stop (their ledgers closed) before the auditor reads them
        if (!DemoAudit.VerifyAndShow(work, data.SiteNames, kit.CaCertificate)) return 1;
        AnsiConsole.MarkupLine($"Demo finished in {clock.Elapsed.TotalSeconds:F0} s; every process it started has been stopped.");
        return 0;
    }

    private static void CleanWorkDirectory(string work)
    {
        Directory.CreateDirectory(work);
        foreach (var directory in Directory.EnumerateDirectories(work))
        {
            if (Path.GetFileName(directory) != DemoKit.FolderName) Directory.Delete(directory, recursive: true);
        }
        foreach (var file in Directory.EnumerateFiles(work)) File.Delete(file);
    }

    private static async Task WaitForSitesAsync(AdminClient admin, int expected, string logDirectory, CancellationToken ct)
    {
        var until = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var status = await admin.GetStatusAsync("", ct);
            if (status.Sites.Count(s => s.State == SiteState.Online) >= expected)
                return;
            if (DateTime.UtcNow > until)
                throw new TimeoutException($"only {status.Sites.Count} of {expected} sites joined within 120 s; see the site logs under {logDirectory}.");
            await Task.Delay(250, ct);
        }
    }

    private async Task<RunProgress> WatchAsync(AdminClient admin, RunInfo run, CancellationToken ct)
    {
        AnsiConsole.MarkupLine("[bold]6.[/] Rounds (sites train LoRA adapters + head locally and send only the deltas):");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(settings.TimeoutSeconds));
        var progress = new RunProgress(run.RunId, run.Rounds);
        var updates = new List<SiteUpdateReceived>();
        await foreach (var e in admin.WatchAsync(run.RunId, 0, timeout.Token))
        {
            if (e.EventCase == RunEvent.EventOneofCase.SiteUpdate)
                updates.Add(e.SiteUpdate);
            if (progress.Apply(e) is { } round)
            {
                DemoReport.ShowRound(round, updates.Where(u => u.Round == round.Round).ToList());
                updates.RemoveAll(u => u.Round == round.Round);
            }
            if (progress.Finished)
                break;
        }
        return progress;
    }
}
