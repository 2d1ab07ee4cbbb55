using FedTransfer.Federation.Updates;

namespace FedTransfer.Federation.Tests.Updates;

public class UpdateCheckTests
{
    [Fact]
    public void Valid_HasNoReason()
    {
        var check = UpdateCheck.Valid;

        Assert.True(check.IsValid);
        Assert.Null(check.Reason);
    }

    [Fact]
    public void Reject_CarriesReasonAndTensor()
    {
        var check = UpdateCheck.Reject("bad", "head.weight");

        Assert.False(check.IsValid);
        Assert.Equal("bad", check.Reason);
        Assert.Equal("head.weight", check.TensorName);
    }
}
