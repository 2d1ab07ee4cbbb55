using FedTransfer.Federation.Ledger;

namespace FedTransfer.Federation.Tests.Ledger;

public class AllowlistCheckTests
{
    private static readonly LedgerTensor[] Trainable = [new("a", "F32", [2, 3], 24), new("b", "F32", [4], 16)];

    private static LedgerRecord Task(string encoding = "float32") =>
        new() { Kind = LedgerKinds.Task, Round = 1, TaskId = "t", TaskInfo = new LedgerTaskInfo("train", "bb", "lora", encoding, Trainable) };

    private static LedgerRecord Push(params LedgerTensor[] tensors) => new()
    {
        Kind = LedgerKinds.Push, Round = 1, TaskId = "t", Decision = LedgerFormat.Sent, Tensors = tensors,
        PayloadSha256 = new string('a', 64), PayloadBytes = tensors.Sum(t => t.Bytes) + 100,
    };

    private static string? Check(LedgerRecord push, LedgerRecord? task = null)
    {
        task ??= Task();
        return AllowlistCheck.Check(push, task, task.TaskInfo!);
    }

    [Fact]
    public void ExactTrainableSet_Passes() => Assert.Null(Check(Push(Trainable)));

    [Fact]
    public void Float16Encoding_ExpectsF16AtHalfTheBytes()
    {
        var task = Task("float16");

        Assert.Null(Check(Push(new("a", "F16", [2, 3], 12), new("b", "F16", [4], 8)), task));
        Assert.Contains("left as F32", Check(Push(Trainable), task));
    }

    [Fact]
    public void Int8Encoding_ExpectsU8() =>
        Assert.Null(Check(Push(new("a", "U8", [2, 3], 6), new("b", "U8", [4], 4)), Task("int8")));

    [Fact]
    public void MissingTensor_IsNamed() => Assert.Contains("lacks tensor 'b'", Check(Push(Trainable[0])));

    [Fact]
    public void WrongByteCount_IsBad() => Assert.Contains("recorded as 20 bytes", Check(Push(Trainable[0], new("b", "F32", [4], 20))));

    [Fact]
    public void OtherRound_IsBad() => Assert.Contains("round 2", Check(Push(Trainable) with { Round = 2 }));

    [Fact]
    public void PayloadSmallerThanItsTensors_IsBad() => Assert.Contains("less than", Check(Push(Trainable) with { PayloadBytes = 10 }));

    [Fact]
    public void DeclinedResultWithoutPayload_Passes() =>
        Assert.Null(Check(Push() with { Declined = "TooFewExamples", PayloadBytes = 0, PayloadSha256 = "" }));
}
