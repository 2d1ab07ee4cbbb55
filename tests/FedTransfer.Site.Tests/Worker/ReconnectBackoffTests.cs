using FedTransfer.Site.Worker;

namespace FedTransfer.Site.Tests.Worker;

public sealed class ReconnectBackoffTests
{
    [Fact]
    public void Next_RepeatedFailures_CeilingDoublesUpToTheMaximum()
    {
        // Arrange
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(1000), new Random(3));
        var ceilings = new List<double>();

        // Act
        for (var i = 0; i < 6; i++)
        {
            ceilings.Add(backoff.Ceiling.TotalMilliseconds);
            backoff.Next();
        }

        // Assert
        Assert.Equal([100.0, 200, 400, 800, 1000, 1000], ceilings);
        Assert.Equal(6, backoff.Failures);
    }

    [Fact]
    public void Next_Jitter_StaysInTheUpperHalfOfTheCeilingAndVaries()
    {
        // Arrange
        var random = new Random(11);
        var delays = new List<TimeSpan>();

        // Act
        for (var i = 0; i < 200; i++)
        {
            var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(10), random);
            delays.Add(backoff.Next());
        }

        // Assert
        Assert.All(delays, d => Assert.InRange(d.TotalMilliseconds, 200, 400));
        Assert.True(delays.Distinct().Count() > 100, "jitter should spread sites that lost the coordinator together");
    }

    [Fact]
    public void Reset_AfterFailures_StartsAgainFromTheInitialDelay()
    {
        // Arrange
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(5), new Random(1));
        backoff.Next();
        backoff.Next();

        // Act
        backoff.Reset();

        // Assert
        Assert.Equal(0, backoff.Failures);
        Assert.Equal(TimeSpan.FromMilliseconds(50), backoff.Ceiling);
    }

    [Fact]
    public void Constructor_MaxBelowInitial_Throws()
    {
        // Act / Assert
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReconnectBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
    }
}
