using FedTransfer.Federation.Rounds;
using FedTransfer.Federation.Tests.TestSupport;

namespace FedTransfer.Federation.Tests.Rounds;

public class RoundStateMachineTests
{
    private readonly ManualClock _clock = new();
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private RoundStateMachine Open(int min, params string[] sites) => new(2, sites, min, Timeout, _clock);

    [Fact]
    public void AllSampledAnswer_CompletesBeforeTimeout()
    {
        var round = Open(2, "a", "b", "c");

        round.RecordResult("a");
        round.RecordResult("c");
        Assert.Equal(RoundPhase.Open, round.Phase);
        round.RecordResult("b");

        Assert.Equal(RoundPhase.Completed, round.Phase);
        Assert.Equal(["a", "c", "b"], round.Succeeded);
        Assert.Empty(round.Failures);
    }

    [Fact]
    public void MinimumAnswered_StaysOpenUntilTimeout_ThenCompletesWithStragglersFailed()
    {
        var round = Open(2, "a", "b", "c");
        round.RecordResult("a");
        round.RecordResult("b");

        _clock.Advance(Timeout - TimeSpan.FromMilliseconds(1));
        Assert.Equal(RoundPhase.Open, round.Advance());
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        var phase = round.Advance();

        Assert.Equal(RoundPhase.Completed, phase);
        var straggler = Assert.Single(round.Failures);
        Assert.Equal("c", straggler.SiteId);
        Assert.Contains("60 s round timeout", straggler.Reason);
    }

    [Fact]
    public void TimeoutShortOfMinimum_FailsNamingSilentSites()
    {
        var round = Open(2, "a", "b", "c");
        round.RecordResult("a");

        _clock.Advance(Timeout);
        var phase = round.Advance();

        Assert.Equal(RoundPhase.Failed, phase);
        Assert.Contains("round 2: 1 of at least 2 valid result(s) arrived within the 60 s round timeout", round.FailureReason);
        Assert.Contains("b, c", round.FailureReason);
    }

    [Fact]
    public void RejectedUpdates_CountAsAnswersButNotResults()
    {
        var round = Open(2, "a", "b", "c");

        round.RecordResult("a");
        round.RecordFailure("b", "tensor 'w' element 3 is NaN");
        round.RecordResult("c");

        Assert.Equal(RoundPhase.Completed, round.Phase);
        Assert.Equal("b", Assert.Single(round.Failures).SiteId);
    }

    [Fact]
    public void MinimumUnreachable_FailsImmediatelyWithReasons()
    {
        var round = Open(2, "a", "b", "c");

        round.RecordFailure("a", "bad shape");
        round.RecordFailure("b", "NaN");

        Assert.Equal(RoundPhase.Failed, round.Phase);
        Assert.Contains("a: bad shape", round.FailureReason);
        Assert.Contains("b: NaN", round.FailureReason);
        Assert.Contains(round.Failures, f => f.SiteId == "c" && f.Reason.Contains("unreachable"));
    }

    [Fact]
    public void ResultAfterClose_IsLate()
    {
        var round = Open(1, "a", "b");
        round.RecordResult("a");
        _clock.Advance(Timeout + TimeSpan.FromSeconds(1));

        var disposition = round.RecordResult("b");

        Assert.Equal(ResultDisposition.Late, disposition);
        Assert.Equal(["a"], round.Succeeded);
        Assert.Equal(RoundPhase.Completed, round.Phase);
    }

    [Fact]
    public void DuplicateAnswer_FirstStands()
    {
        var round = Open(1, "a", "b");
        round.RecordFailure("a", "NaN");

        Assert.Equal(ResultDisposition.Duplicate, round.RecordResult("a"));
        Assert.Empty(round.Succeeded);
    }

    [Fact]
    public void UnsampledSite_IsNotCounted()
    {
        var round = Open(1, "a");

        Assert.Equal(ResultDisposition.NotSampled, round.RecordResult("z"));
        Assert.Equal(RoundPhase.Open, round.Phase);
    }

    [Fact]
    public void Deadline_IsStartPlusTimeout()
    {
        var round = Open(1, "a");

        Assert.Equal(_clock.GetUtcNow() + Timeout, round.Deadline);
        Assert.Equal(["a"], round.Pending);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void MinimumOutsideSampledRange_Throws(int min)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Open(min, "a", "b"));
    }

    [Fact]
    public void NoSampledSites_Throws()
    {
        Assert.Throws<ArgumentException>(() => Open(1));
    }
}
