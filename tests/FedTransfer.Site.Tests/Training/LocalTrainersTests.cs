using FedTransfer.Site.Configuration;
using FedTransfer.Site.Training;

namespace FedTransfer.Site.Tests.Training;

public sealed class LocalTrainersTests
{
    [Fact]
    public void CreateTorch_InvalidOptions_ThrowsNamingEverySetting()
    {
        // Arrange
        var options = new SiteOptions { DisplayName = "", DataDirectory = "/nonexistent/fedtransfer-data", ValidationFraction = 0 };

        // Act
        var error = Assert.Throws<ArgumentException>(() => LocalTrainers.CreateTorch(options));

        // Assert
        Assert.Contains("Site:DisplayName", error.Message);
        Assert.Contains("Site:DataDirectory", error.Message);
        Assert.Contains("Site:ValidationFraction", error.Message);
    }

    [Fact]
    public void CreateTorch_ValidOptions_DescribesTheLocalSplit()
    {
        // Arrange
        var dir = Directory.CreateTempSubdirectory("fedtransfer-localtrainers-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "rows.csv"), "x,label\n" + string.Join('\n', Enumerable.Range(0, 10).Select(i => $"{i},{i % 2}")) + "\n");
            var options = new SiteOptions { DisplayName = "a", DataDirectory = dir.FullName, ValidationFraction = 0.2, Device = "cpu" };

            // Act
            var capabilities = LocalTrainers.CreateTorch(options).Describe();

            // Assert
            Assert.Equal(8, capabilities.TrainExamples);
            Assert.Equal(2, capabilities.ValidationExamples);
            Assert.Equal("cpu", capabilities.Device);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
