using FedTransfer.Cli.Watch;

namespace FedTransfer.Cli.Tests.Watch;

public sealed class RunWatchViewTests
{
    private static RoundSummary Round(int round, params (string Key, double Value)[] metrics) =>
        new(round, "train", metrics.ToDictionary(m => m.Key, m => m.Value), 3, 0, 0, 1000, 2000, 1500, "abc");

    [Fact]
    public void RoundsTable_ExactLoraRounds_AddTheTruncationErrorColumn()
    {
        var table = RunWatchView.RoundsTable([Round(1, ("train_loss", 0.5), ("lora_truncation_error", 0.125)), Round(2, ("train_loss", 0.4))]);

        Assert.Equal(12, table.Columns.Count);
        Assert.Equal(2, table.Rows.Count);
    }

    [Fact]
    public void RoundsTable_OtherRuns_KeepTheUsualColumns()
    {
        var table = RunWatchView.RoundsTable([Round(1, ("train_loss", 0.5))]);

        Assert.Equal(11, table.Columns.Count);
    }
}
