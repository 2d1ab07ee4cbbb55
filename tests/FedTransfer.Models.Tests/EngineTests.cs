using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests;

public sealed class EngineTests
{
    [Theory]
    [InlineData("cpu", "cpu")]
    [InlineData(" CPU ", "cpu")]
    [InlineData("cuda", "cuda:0")]
    [InlineData("cuda:3", "cuda:3")]
    public void ParseDevice_KnownNames_DescribeAsPyTorchPrintsThem(string text, string expected)
    {
        Assert.Equal(expected, Engine.ParseDevice(text).Describe());
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("")]
    public void ParseDevice_Unknown_ThrowsFormatExceptionListingChoices(string text)
    {
        var e = Assert.Throws<FormatException>(() => Engine.ParseDevice(text));

        Assert.Contains("cpu, cuda, cuda:N or auto", e.Message);
    }

    [Fact]
    public void SetThreads_ChangesLibtorchIntraOpThreads()
    {
        var before = Engine.Threads;
        try
        {
            Engine.SetThreads(1);

            Assert.Equal(1, Engine.Threads);
        }
        finally
        {
            Engine.SetThreads(before);
        }
    }

    [Fact]
    public void SetThreads_Zero_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Engine.SetThreads(0));
    }

    [Fact]
    public void Seed_SameSeed_SameRandomNumbers()
    {
        Engine.Seed(7);
        using var first = randn(5);
        Engine.Seed(7);
        using var second = randn(5);

        Assert.Equal(first.data<float>().ToArray(), second.data<float>().ToArray());
    }

    /// <summary>
    /// The Debian 12 compatibility step (build/glibcxx-compat.sh) ran on this test's output if the system needed it: libtorch
    /// 2.10 loads here and computes, forward and backward.
    /// </summary>
    [Fact]
    public void Libtorch_LoadsAndComputes_MatmulAndItsGradient()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new[] { 1f, 2f, 3f, 4f }, [2, 2]).requires_grad_(true);
        var b = tensor(new[] { 5f, 6f, 7f, 8f }, [2, 2]);

        var product = a.matmul(b);
        product.sum().backward();

        Assert.Equal([19f, 22f, 43f, 50f], product.data<float>().ToArray());
        Assert.Equal([11f, 15f, 11f, 15f], a.grad!.data<float>().ToArray());
        Assert.StartsWith("2.10", __version__);
    }
}
