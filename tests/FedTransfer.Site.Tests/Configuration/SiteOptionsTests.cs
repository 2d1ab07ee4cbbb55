using FedTransfer.Site.Configuration;

namespace FedTransfer.Site.Tests.Configuration;

public sealed class SiteOptionsTests
{
    [Fact]
    public void ResolveCacheDirectory_Unset_IsInsideTheDataFolder()
    {
        // Arrange
        var options = new SiteOptions { DataDirectory = "/srv/clinic/data" };

        // Act / Assert
        Assert.Equal("/srv/clinic/data/.fedtransfer-cache", options.ResolveCacheDirectory());
    }

    [Fact]
    public void ResolveCacheDirectory_Set_IsThatFolderMadeAbsolute()
    {
        // Arrange
        var options = new SiteOptions { DataDirectory = "/srv/clinic/data", CacheDirectory = "cache" };

        // Act / Assert
        Assert.Equal(Path.GetFullPath("cache"), options.ResolveCacheDirectory());
    }

    [Fact]
    public void Defaults_PointAtALoopbackCoordinatorAndAutoDevice()
    {
        // Act
        var options = new SiteOptions();

        // Assert
        Assert.Equal("http://127.0.0.1:7070", options.CoordinatorUrl);
        Assert.Equal("auto", options.Device);
        Assert.Equal(SiteDataFormat.Auto, options.DataFormat);
    }
}
