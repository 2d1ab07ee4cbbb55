using FedTransfer.Federation.Hosting;
using Xunit;

namespace FedTransfer.Federation.Tests.Hosting;

public sealed class UnknownSettingsTests
{
    [Fact]
    public void Find_KnownKeysInAnyCase_NoErrors()
    {
        var errors = UnknownSettings.Find("Demo", typeof(DemoOptions),
            ["DataDirectory", "datadirectory", "Listener", "Listener:Url", "Tags", "Tags:0", "Tags:1", "Limits:clinic-a"]);

        Assert.Empty(errors);
    }

    [Fact]
    public void Find_Typo_NamesTheKeyAndTheNearestValidOne()
    {
        var errors = UnknownSettings.Find("Demo", typeof(DemoOptions), ["DataDirecotry", "Listener:Ulr"]);

        Assert.Equal(
        [
            "Demo:DataDirecotry is not a setting; did you mean Demo:DataDirectory? (a misspelt key is otherwise ignored)",
            "Demo:Listener:Ulr is not a setting; did you mean Demo:Listener:Url? (a misspelt key is otherwise ignored)",
        ], errors);
    }

    [Fact]
    public void Find_UnknownSectionWithChildren_ReportedOnceWithTheChoices()
    {
        var errors = UnknownSettings.Find("Demo", typeof(DemoOptions), ["Tuning", "Tuning:Rate", "Tuning:Depth"]);

        Assert.Equal(["Demo:Tuning is not a setting; the settings under Demo are DataDirectory, Listener, Tags, Limits"], errors);
    }

    [Theory]
    [InlineData("DataDirecotry", "DataDirectory")] // transposition
    [InlineData("datadir", null)] // too far from anything
    [InlineData("Url", "Url")]
    public void Nearest_OnlyCloseCandidates(string typed, string? expected)
    {
        Assert.Equal(expected, UnknownSettings.Nearest(typed, ["DataDirectory", "Url", "Tags"]));
    }

    public sealed class DemoOptions
    {
        public string DataDirectory { get; set; } = "";
        public DemoListener Listener { get; set; } = new();
        public List<string> Tags { get; set; } = [];
        public Dictionary<string, int> Limits { get; set; } = [];
    }

    public sealed class DemoListener
    {
        public string Url { get; set; } = "";
    }
}
