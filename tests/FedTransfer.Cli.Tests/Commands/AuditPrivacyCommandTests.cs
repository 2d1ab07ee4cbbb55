using System.Globalization;
using FedTransfer.Cli.Commands;
using FedTransfer.Cli.Tests.TestSupport;
using FedTransfer.Federation.Ledger;
using FedTransfer.Federation.Privacy;

namespace FedTransfer.Cli.Tests.Commands;

[Collection(CliCollection.Name)]
public sealed class AuditPrivacyCommandTests : IDisposable
{
    private const string Federation = "lora:r=2 on 0123456789ab";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "fedtransfer-cli-dp-" + Guid.NewGuid().ToString("N")[..10]);

    private static string Flat(string output) => System.Text.RegularExpressions.Regex.Replace(output, @"\s*\n\s*", " ");

    private static string Text(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    // Two rounds spent at z = 1.5 (q 0.5 then 1.0), then a decline for the budget; `lie` scales the second round's ε.
    private string WriteLedger(double lie = 1.0)
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, $"ledger-{lie}.jsonl");
        using var key = LedgerSigningKey.LoadOrCreateDevelopmentKey(Path.Combine(_folder, "key.pem"), "clinic");
        using var writer = LedgerWriter.Open(path, key);
        LedgerTensor[] trainable = [new("lora.a", "F32", [2, 4], 32)];
        var accountant = new RdpAccountant();
        double[] rates = [0.5, 1.0];
        for (var round = 1; round <= 3; round++)
        {
            var task = $"task-{round}";
            writer.Append(new LedgerRecord
            {
                Kind = LedgerKinds.Task, Federation = Federation, RunId = "run-1", Round = round, TaskId = task,
                TaskInfo = new LedgerTaskInfo("train", new string('0', 64), "lora:r=2", "float32", trainable),
            });
            if (round == 3)
            {
                writer.Append(new LedgerRecord
                {
                    Kind = LedgerKinds.Push, Federation = Federation, RunId = "run-1", Round = round, TaskId = task, Decision = LedgerFormat.Sent,
                    Declined = "PrivacyBudgetExhausted", PayloadSha256 = "", PayloadBytes = 0,
                });
                continue;
            }
            accountant = accountant.Compose(rates[round - 1], 1.5);
            var epsilon = accountant.Epsilon(1e-5) * (round == 2 ? lie : 1.0);
            writer.Append(new LedgerRecord
            {
                Kind = LedgerKinds.Push, Federation = Federation, RunId = "run-1", Round = round, TaskId = task, Decision = LedgerFormat.Sent,
                Tensors = trainable, PayloadSha256 = new string('a', 64), PayloadBytes = 200, Encoding = "float32",
                Privacy = new LedgerPrivacy(1.0, 1.5, 2.0, rates[round - 1], 1e-5, round, epsilon),
            });
        }
        return path;
    }

    [Fact]
    public async Task Verify_RecomputesTheEpsilon_AndReportShowsTheTrajectory()
    {
        var path = WriteLedger();
        var one = new RdpAccountant().Compose(0.5, 1.5).Epsilon(1e-5);
        var two = new RdpAccountant().Compose(0.5, 1.5).Compose(1.0, 1.5).Epsilon(1e-5);

        var (code, verify) = await CliRun.InvokeAsync("audit", "verify", path);
        var (reportCode, report) = await CliRun.InvokeAsync("audit", "report", path);

        Assert.Equal(0, code);
        Assert.Contains($"privacy spent in federation '{Federation}': epsilon {Text(two)}", Flat(verify));
        Assert.Equal(0, reportCode);
        Assert.Contains("Privacy spent", report);
        Assert.Contains(Text(one), report);
        Assert.Contains(Text(two), report);
        Assert.Contains("1 task(s) declined because the privacy budget was exhausted: run-1 round 3", Flat(report));
    }

    [Fact]
    public async Task Verify_AnUnderstatedEpsilon_IsAFinding()
    {
        var path = WriteLedger(lie: 0.5);

        var (code, raw) = await CliRun.InvokeAsync("audit", "verify", path);

        var output = Flat(raw);
        Assert.Equal(AuditCommand.FindingsExitCode, code);
        Assert.Contains("INVALID", output);
        Assert.Contains("but its recorded parameters give", output);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
