using FedTransfer.Cli.Commands;
using FedTransfer.Cli.Watch;
using FedTransfer.Contracts.V1;

namespace FedTransfer.Cli.Tests.Watch;

public sealed class RunProgressCentralDpTests
{
    private static RunEvent Completed(int round, double epsilon) => new()
    {
        Sequence = round,
        RoundCompleted = new RoundCompleted { Round = round, Kind = "train", Metrics = { ["train_loss"] = 0.5, ["central_dp_epsilon"] = epsilon } },
    };

    [Fact]
    public void Apply_CentralDpRoundsAndAnEarlyFinish_KeepTheLatestEpsilonAndTheReason()
    {
        var progress = new RunProgress("run-1", 10);

        progress.Apply(Completed(1, 0.8));
        progress.Apply(Completed(2, 1.3));
        progress.Apply(new RunEvent { Sequence = 3, RunFinished = new RunFinished { CompletedRounds = 2, Reason = "privacy budget reached: round 3 ..." } });

        Assert.Equal(1.3, progress.CentralDpEpsilon);
        Assert.True(progress.Finished);
        Assert.StartsWith("privacy budget reached", progress.StopReason);
        Assert.Null(progress.FailureReason);
        Assert.Equal(12, RunWatchView.RoundsTable(progress.Rounds).Columns.Count); // the central DP ε column
    }

    [Fact]
    public void StatusText_ShowsEpsilonSoFarOverTheBudget_OrADashWithoutCentralDp()
    {
        var dp = new RunInfo { CentralDpEpsilon = 1.23456, Settings = new StartRunRequest { CentralDp = new CentralPrivacy { EpsilonBudget = 3, Delta = 1e-5 } } };

        Assert.Equal("1.235 / 3 (δ 1E-05)", StatusCommand.CentralDpText(dp));
        Assert.Equal("-", StatusCommand.CentralDpText(new RunInfo { Settings = new StartRunRequest() }));
    }
}
