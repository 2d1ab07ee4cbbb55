using System.CommandLine;
using FedTransfer.Cli.Commands;

namespace FedTransfer.Cli.Tests.Commands;

public sealed class SiteCommandTests
{
    [Fact]
    public async Task Invoke_BadSettings_ExitsWithTwoAndOneLinePerSetting()
    {
        // Arrange
        var root = new RootCommand { SiteCommand.Create() };
        var error = new StringWriter();
        var output = new StringWriter();

        // Act
        var code = await root.Parse(["site", "--name", "", "--data", "/nonexistent/fedtransfer-site", "--Site:Device=tpu", "--Site:PollMaxWaitMs=90000"])
            .InvokeAsync(new InvocationConfiguration { Error = error, Output = output });

        // Assert
        Assert.Equal(2, code);
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("fedtransfer site: Site:DisplayName:", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Site:DataDirectory: folder '/nonexistent/fedtransfer-site' does not exist", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("fedtransfer site: Site:Device:", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("fedtransfer site: Site:PollMaxWaitMs:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Invoke_MissingConfigFile_NamesTheFile()
    {
        // Arrange
        var root = new RootCommand { SiteCommand.Create() };
        var error = new StringWriter();

        // Act
        var code = await root.Parse(["site", "--config", "/nonexistent/site.json"]).InvokeAsync(new InvocationConfiguration { Error = error, Output = new StringWriter() });

        // Assert
        Assert.Equal(2, code);
        Assert.Contains("/nonexistent/site.json", error.ToString());
    }

    [Fact]
    public async Task Invoke_InvalidJsonInConfigFile_OneLineWithFileAndPosition()
    {
        // Arrange: the review saw a stack trace here.
        var file = Path.Combine(Path.GetTempPath(), $"fedtransfer-bad-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, "{ \"Site\": { \"DisplayName\": \"clinic-a\", } oops");
        var root = new RootCommand { SiteCommand.Create() };
        var error = new StringWriter();

        try
        {
            // Act
            var code = await root.Parse(["site", "--config", file]).InvokeAsync(new InvocationConfiguration { Error = error, Output = new StringWriter() });

            // Assert
            Assert.Equal(2, code);
            var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var line = Assert.Single(lines);
            Assert.Contains(file, line);
            Assert.True(line.Contains("LineNumber", StringComparison.Ordinal) && line.Contains("Fix the file", StringComparison.Ordinal), line);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Parse_ConfigurationOverrides_AreKeptAsUnmatchedTokens()
    {
        // Arrange
        var root = new RootCommand { SiteCommand.Create() };

        // Act
        var result = root.Parse(["site", "--name", "clinic-a", "--Site:ValidationFraction=0.1"]);

        // Assert
        Assert.Empty(result.Errors);
        Assert.Equal(["--Site:ValidationFraction=0.1"], result.UnmatchedTokens);
    }

    [Fact]
    public async Task Site_GarbageLedger_OneLineSayingWhatToDoAndNoStackTrace()
    {
        // Arrange
        var dir = Path.Combine(Path.GetTempPath(), $"fedtransfer-siteledger-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(dir, "data"));
        var ledger = Path.Combine(dir, "ledger.jsonl");
        var garbage = new byte[3000];
        new Random(11).NextBytes(garbage);
        File.WriteAllBytes(ledger, garbage);
        try
        {
            // Act
            var (code, stdout, stderr) = await TestSupport.CliProcess.RunAsync("site", "--name", "clinic-a", "--data", Path.Combine(dir, "data"),
                $"--Site:LedgerFile={ledger}", "--Site:CoordinatorUrl=http://127.0.0.1:1");

            // Assert: one line, the ledger untouched for the auditor.
            Assert.Equal(2, code);
            Assert.Equal("", stdout);
            var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith($"fedtransfer site: ledger {ledger}:", line);
            Assert.Contains("move it aside", line);
            Assert.Equal(garbage, File.ReadAllBytes(ledger));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
