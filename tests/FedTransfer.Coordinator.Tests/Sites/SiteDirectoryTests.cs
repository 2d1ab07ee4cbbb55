using FedTransfer.Coordinator.Persistence;
using FedTransfer.Coordinator.Sites;
using FedTransfer.Coordinator.Tests.Support;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace FedTransfer.Coordinator.Tests.Sites;

public class SiteDirectoryTests
{
    private static SiteDirectory Directory(TestDatabase test, ManualClock clock) =>
        new(new SiteStore(test.Db), clock, Options.Create(new CoordinatorOptions { SiteLivenessSeconds = 60 }));

    [Fact]
    public void Join_SessionIdentifiesSite_AndSurvivesARestart()
    {
        using var test = new TestDatabase();
        var clock = new ManualClock();
        var row = Directory(test, clock).Join("s1", "Site 1", "1.0", "cpu", 100, 10);

        var restarted = Directory(test, clock);

        Assert.Equal("s1", restarted.RequireSession(row.SessionId));
    }

    [Fact]
    public void Online_SitesNotSeenWithinLiveness_AreOffline()
    {
        using var test = new TestDatabase();
        var clock = new ManualClock();
        var sites = Directory(test, clock);
        sites.Join("s1", "Site 1", "1.0", "cpu", 100, 10);
        sites.Join("s2", "Site 2", "1.0", "cpu", 100, 10);

        clock.Advance(TimeSpan.FromSeconds(45));
        sites.Touch("s2");
        clock.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(["s2"], sites.Online().Select(s => s.SiteId));
        Assert.False(sites.IsOnline("s1"));
    }

    [Fact]
    public void Online_SiteOnAWatchedConnection_IsOnlineWhileItIsOpenHoweverLongItIsSilent_AndOfflineTheMomentItCloses()
    {
        using var test = new TestDatabase();
        var clock = new ManualClock();
        var presence = new SitePresence();
        var sites = new SiteDirectory(new SiteStore(test.Db), clock, Options.Create(new CoordinatorOptions { SiteLivenessSeconds = 10 }), presence);
        var row = sites.Join("s1", "Site 1", "1.0", "cpu", 100, 10);
        presence.ConnectionOpened("c1");
        sites.RequireSession(row.SessionId, "c1");

        clock.Advance(TimeSpan.FromMinutes(5)); // training, no call
        var whileOpen = sites.IsOnline("s1");
        presence.ConnectionClosed("c1");
        var afterClose = sites.IsOnline("s1");

        Assert.True(whileOpen);
        Assert.False(afterClose);
        Assert.Empty(sites.Online());
    }

    [Fact]
    public void Online_SiteWithTwoConnections_StaysOnlineUntilTheLastCloses()
    {
        var presence = new SitePresence();
        presence.ConnectionOpened("c1");
        presence.ConnectionOpened("c2");
        presence.Bind("s1", "c1");
        presence.Bind("s1", "c2");
        presence.Bind("s1", "c2");

        presence.ConnectionClosed("c1");
        var afterFirst = presence.IsConnected("s1");
        presence.ConnectionClosed("c2");

        Assert.True(afterFirst);
        Assert.False(presence.IsConnected("s1"));
        Assert.Null(presence.IsConnected("never-seen"));
    }

    [Fact]
    public void RequireSession_Unknown_IsUnauthenticated()
    {
        using var test = new TestDatabase();

        var e = Assert.Throws<RpcException>(() => Directory(test, new ManualClock()).RequireSession("nope"));

        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
    }

    [Fact]
    public async Task WaitForJoin_CompletesWhenASiteJoins()
    {
        using var test = new TestDatabase();
        var sites = new SiteDirectory(new SiteStore(test.Db), TimeProvider.System, Options.Create(new CoordinatorOptions()));

        var waiting = sites.WaitForJoinAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        sites.Join("s1", "Site 1", "1.0", "cpu", 1, 1);

        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
