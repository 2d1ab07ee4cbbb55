using FedTransfer.Torch.NN;
using FedTransfer.Torch.Tests.TestSupport;

namespace FedTransfer.Torch.Tests.NN;

[Collection(NativeCountCollection.Name)]
public sealed class ModuleTests
{
    private sealed class Pair : Module
    {
        public Pair()
        {
            RegisterParameter("scale", Tensor.Ones([2]));
            RegisterModule("first", new Linear(2, 3));
            RegisterModule("second", new Linear(3, 2, bias: false));
            RegisterBuffer("steps", Tensor.Zeros([1], DType.Int64));
        }

        public override Tensor Forward(Tensor input) => Child("second").Forward(Child("first").Forward(input.Mul(Parameter("scale"))));
    }

    [Fact]
    public void NamedParameters_NestedModules_UseDottedPyTorchNamesInRegistrationOrder()
    {
        using var model = new Pair();

        var names = model.NamedParameters().Select(p => p.Name).ToArray();

        Assert.Equal(["scale", "first.weight", "first.bias", "second.weight"], names);
    }

    [Fact]
    public void StateDict_IncludesBuffersAfterOwnParameters()
    {
        using var model = new Pair();

        var names = model.StateDict().Keys.ToArray();

        Assert.Equal(["scale", "steps", "first.weight", "first.bias", "second.weight"], names);
    }

    [Fact]
    public void RegisterParameter_DuplicateOrDottedName_Throws()
    {
        using var model = new Pair();
        using var t = Tensor.Zeros([1]);

        Assert.Throws<ArgumentException>(() => model.RegisterParameter("scale", t));
        Assert.Throws<ArgumentException>(() => model.RegisterParameter("a.b", t));
    }

    [Fact]
    public void RegisterParameter_InsideDisposeScope_SurvivesTheScope()
    {
        using var model = new Pair();
        using (Torch.NewDisposeScope())
            model.RegisterParameter("extra", Tensor.Full([2], 3.0));

        var extra = model.NamedParameters().Single(p => p.Name == "extra").Tensor;

        Assert.Equal([3f, 3f], extra.ToArray<float>());
        Assert.True(extra.RequiresGrad);
    }

    [Fact]
    public void LoadStateDict_FromOtherModel_CopiesValues()
    {
        using var source = new Pair();
        using var target = new Pair();
        TestTensors.Randomize(source);

        target.LoadStateDict(source.StateDict());

        Assert.Equal(source.StateDict()["first.weight"].ToArray<float>(), target.StateDict()["first.weight"].ToArray<float>());
    }

    [Fact]
    public void LoadStateDict_MissingTensor_NamesItAndLeavesModelUnchanged()
    {
        using var source = new Pair();
        using var target = new Pair();
        TestTensors.Randomize(source);
        var before = TestTensors.Snapshot(target.NamedParameters());
        var partial = source.StateDict().Where(kv => kv.Key != "second.weight").ToDictionary();

        var error = Assert.Throws<StateDictException>(() => target.LoadStateDict(partial));

        Assert.Equal("second.weight", error.TensorName);
        Assert.Contains("'second.weight'", error.Message);
        Assert.Equal(before["first.weight"], target.StateDict()["first.weight"].ToArray<float>());
    }

    [Fact]
    public void LoadStateDict_UnexpectedTensor_NamesIt()
    {
        using var target = new Pair();
        using var extra = Tensor.Zeros([1]);
        var state = target.StateDict().ToDictionary();
        state["third.weight"] = extra;

        var error = Assert.Throws<StateDictException>(() => target.LoadStateDict(state));

        Assert.Equal("third.weight", error.TensorName);
    }

    [Fact]
    public void LoadStateDict_NonStrict_ReportsMissingAndUnexpected()
    {
        using var target = new Pair();
        using var extra = Tensor.Zeros([1]);
        var state = target.StateDict().Where(kv => kv.Key != "scale").ToDictionary();
        state["other"] = extra;

        var result = target.LoadStateDict(state, strict: false);

        Assert.Equal(["scale"], result.MissingKeys);
        Assert.Equal(["other"], result.UnexpectedKeys);
    }

    [Fact]
    public void LoadStateDict_ShapeMismatch_NamesTensorAndBothShapes()
    {
        using var target = new Pair();
        using var wrong = Tensor.Zeros([4, 2]);
        var state = target.StateDict().ToDictionary();
        state["first.weight"] = wrong;

        var error = Assert.Throws<StateDictException>(() => target.LoadStateDict(state, strict: false));

        Assert.Equal("first.weight", error.TensorName);
        Assert.Contains("[4, 2]", error.Message);
        Assert.Contains("[3, 2]", error.Message);
    }

    [Fact]
    public void LoadStateDict_DTypeMismatch_NamesTensor()
    {
        using var target = new Pair();
        using var wrong = Tensor.Zeros([3], DType.Float64);
        var state = target.StateDict().ToDictionary();
        state["first.bias"] = wrong;

        var error = Assert.Throws<StateDictException>(() => target.LoadStateDict(state));

        Assert.Equal("first.bias", error.TensorName);
        Assert.Contains("Float64", error.Message);
    }

    [Fact]
    public void Eval_PropagatesToChildren_AndTrainRestores()
    {
        using var model = new Pair();

        model.Eval();
        var evalModes = model.NamedModules().Select(m => m.Module.IsTraining).ToArray();
        model.Train();

        Assert.All(evalModes, Assert.False);
        Assert.All(model.NamedModules(), m => Assert.True(m.Module.IsTraining));
    }

    [Fact]
    public void ToDType_ConvertsFloatingTensorsOnly_KeepsRequiresGrad()
    {
        using var model = new Pair();
        model.NamedParameters().First().Tensor.RequiresGrad = false;

        model.To(DType.Float64);

        Assert.All(model.NamedParameters(), p => Assert.Equal(DType.Float64, p.Tensor.DType));
        Assert.Equal(DType.Int64, model.StateDict()["steps"].DType);
        Assert.False(model.NamedParameters().First().Tensor.RequiresGrad);
        Assert.True(model.NamedParameters().Last().Tensor.RequiresGrad);
    }

    [Fact]
    public void ReplaceModule_UnknownName_ListsChildren()
    {
        using var model = new Pair();
        using var replacement = new Linear(2, 3);

        var error = Assert.Throws<ArgumentException>(() => model.ReplaceModule("third", replacement));

        Assert.Contains("first, second", error.Message);
    }

    [Fact]
    public void SetRequiresGrad_False_FreezesEveryParameter()
    {
        using var model = new Pair();

        model.SetRequiresGrad(false);

        Assert.Empty(model.NamedTrainableParameters());
    }

    [Fact]
    public void Dispose_ReleasesEveryNativeTensor()
    {
        var before = Torch.LiveTensorCount;
        var model = new Pair();
        var during = Torch.LiveTensorCount;

        model.Dispose();

        Assert.True(during > before);
        Assert.Equal(before, Torch.LiveTensorCount);
    }
}
