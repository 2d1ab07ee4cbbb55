using FedTransfer.Coordinator.Artifacts;

namespace FedTransfer.Coordinator.Tests.Artifacts;

public class ArtifactExceptionsTests
{
    [Fact]
    public void NotFound_SaysWhatToDo()
    {
        var e = new ArtifactNotFoundException("abc");

        Assert.Equal("abc", e.Digest);
        Assert.Contains("upload it first", e.Message);
    }
}
