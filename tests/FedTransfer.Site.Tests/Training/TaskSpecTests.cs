using FedTransfer.Site.Training;

namespace FedTransfer.Site.Tests.Training;

public sealed class TaskSpecTests
{
    [Theory]
    [InlineData("classify:classes=5", 5)]
    [InlineData(" Classify : classes = 10 ", 10)]
    public void Parse_ClassifySpec_ReadsTheClassCount(string text, int classes)
    {
        // Act / Assert
        Assert.Equal(classes, TaskSpec.Parse(text).Classes);
    }

    [Theory]
    [InlineData("", "unknown task kind")]
    [InlineData("regress:classes=5", "unknown task kind")]
    [InlineData("classify", "classes=N is missing")]
    [InlineData("classify:classes=1", "between 2 and 100000")]
    [InlineData("classify:classes=100000000", "between 2 and 100000")] // the review's 25.6 GB head
    [InlineData("classify:classes=5,labels=a", "unknown key 'labels'")]
    public void Parse_BadSpec_SaysWhatIsWrong(string text, string expected)
    {
        // Act
        var error = Assert.Throws<FormatException>(() => TaskSpec.Parse(text));

        // Assert
        Assert.Contains(expected, error.Message);
    }
}
