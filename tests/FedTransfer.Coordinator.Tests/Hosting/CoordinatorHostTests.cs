using FedTransfer.Coordinator.Tests.Support;
using Microsoft.Extensions.Options;

namespace FedTransfer.Coordinator.Tests.Hosting;

public class CoordinatorHostTests
{
    [Fact]
    public async Task Start_InvalidOptions_FailsWithTheSettingNamed()
    {
        using var temp = new TempDirectory();

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TestCoordinator.StartAsync(temp.Path, new Dictionary<string, string?> { ["Coordinator:MaxPullWaitMs"] = "999999" }));

        Assert.Contains("Coordinator:MaxPullWaitMs", e.Message);
    }

    [Fact]
    public async Task Start_MisspeltKey_FailsNamingTheNearestSetting()
    {
        using var temp = new TempDirectory();

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TestCoordinator.StartAsync(temp.Path, new Dictionary<string, string?> { ["Coordinator:DataDirecotry"] = "/tmp/elsewhere" }));

        Assert.Contains("Coordinator:DataDirecotry is not a setting; did you mean Coordinator:DataDirectory?", e.Message);
    }

    [Fact]
    public async Task ShippedDefaults_AreBesideTheBinaries_AndArgumentsOverrideThem()
    {
        using var temp = new TempDirectory();
        var path = Path.Combine(AppContext.BaseDirectory, CoordinatorHost.DefaultsFileName);

        Assert.True(File.Exists(path), path);
        await using var app = CoordinatorHost.Build([$"--Coordinator:DataDirectory={temp.Path}"]);
        var options = app.Services.GetService(typeof(IOptions<CoordinatorOptions>)) as IOptions<CoordinatorOptions>;
        Assert.Equal("http://127.0.0.1:7070", options!.Value.Listener.Url);
        Assert.Equal(30_000, options.Value.MaxPullWaitMs);
        Assert.Equal(1024 * 1024, options.Value.Listener.InitialStreamWindowSize);
        Assert.Equal(4, options.Value.MaxConcurrentUploads);
        Assert.Equal(temp.Path, options.Value.DataDirectory);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
