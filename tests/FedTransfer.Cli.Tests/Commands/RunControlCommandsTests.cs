using FedTransfer.Cli.Tests.TestSupport;
using FedTransfer.Coordinator;

namespace FedTransfer.Cli.Tests.Commands;

[Collection(CliCollection.Name)]
public sealed class RunControlCommandsTests
{
    [Theory]
    [InlineData("cancel")]
    [InlineData("pause")]
    [InlineData("resume")]
    public async Task Control_UnknownRun_ReachesTheCoordinatorAndSaysSoInOneLine(string verb)
    {
        // Arrange: a real coordinator on loopback (plaintext development mode) with no runs.
        var dir = Path.Combine(Path.GetTempPath(), $"fedtransfer-runctl-{Guid.NewGuid():N}");
        await using var app = CoordinatorHost.Build(["--Coordinator:Listener:Url=http://127.0.0.1:0", $"--Coordinator:DataDirectory={dir}",
            "--Coordinator:AllowInsecureSiteIdentity=true", "--Logging:LogLevel:Default=Warning"]);
        await app.StartAsync();
        try
        {
            var address = CoordinatorHost.Addresses(app)[0];

            // Act
            var (code, output) = await CliRun.InvokeAsync("run", verb, "run-0000", "--reason", "test", "--coordinator", address.ToString());

            // Assert
            Assert.Equal(1, code);
            Assert.Contains("no run 'run-0000'", output);
        }
        finally
        {
            await app.StopAsync();
            Directory.Delete(dir, recursive: true);
        }
    }
}
