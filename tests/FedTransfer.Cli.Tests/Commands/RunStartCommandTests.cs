using FedTransfer.Cli.Tests.TestSupport;

namespace FedTransfer.Cli.Tests.Commands;

[Collection(CliCollection.Name)]
public sealed class RunStartCommandTests
{
    [Fact]
    public async Task Help_DescribesUpdateEncodingsAndLoraAggregation()
    {
        var (code, output) = await CliRun.InvokeAsync("run", "start", "--help");

        Assert.Equal(0, code);
        Assert.Contains("--update-encoding", output);
        Assert.Contains("bfloat16", output);
        Assert.Contains("agg=exact", output);
    }

    [Fact]
    public async Task UnknownUpdateEncoding_FailsWithOneLineBeforeConnecting()
    {
        // Port 1 on loopback: nothing listens, so reaching the network would be a different error.
        var (code, output) = await CliRun.InvokeAsync("run", "start", "--federation", "fed-1", "--update-encoding", "int4",
            "--coordinator", "http://127.0.0.1:1");

        Assert.NotEqual(0, code);
        // The console wraps long lines: check the parts.
        Assert.Contains("unknown update encoding 'int4'", output);
        Assert.Contains("int8", output);
    }
}
