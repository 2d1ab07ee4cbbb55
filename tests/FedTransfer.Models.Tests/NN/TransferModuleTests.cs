using FedTransfer.Models.NN;
using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.NN;

public sealed class TransferModuleTests
{
    private sealed class Pair : TransferModule
    {
        public Pair() : base(nameof(Pair))
        {
            AddParameter("scale", ones(2));
            AddChild("first", Layers.Linear(2, 3));
            AddChild("second", Layers.Linear(3, 2, bias: false));
        }

        public void Swap(string name, nn.Module<Tensor, Tensor> replacement) => ReplaceChild(name, replacement);

        public override Tensor forward(Tensor input) => Child("second").call(Child("first").call(input.mul(Param("scale"))));
    }

    [Fact]
    public void NamedParameters_NestedModules_UseDottedPyTorchNamesInRegistrationOrder()
    {
        using var model = new Pair();

        var names = model.named_parameters().Select(p => p.name).ToArray();

        Assert.Equal(["scale", "first.weight", "first.bias", "second.weight"], names);
    }

    [Fact]
    public void ReplaceChild_KeepsThePositionInTheStateDict_AndForwardUsesTheReplacement()
    {
        using var model = new Pair();
        using var input = ones(1, 2);
        var replacement = Layers.Linear(2, 3);
        using (no_grad())
        {
            replacement.weight.zero_();
            replacement.bias!.zero_();
        }

        model.Swap("first", replacement);
        using var output = model.call(input);

        Assert.Equal(["scale", "first.weight", "first.bias", "second.weight"], model.state_dict().Keys);
        Assert.All(output.data<float>().ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void ReplaceChild_UnknownName_ListsChildren()
    {
        using var model = new Pair();
        using var replacement = Layers.Linear(2, 3);

        var error = Assert.Throws<ArgumentException>(() => model.ReplaceChild("third", replacement));

        Assert.Contains("first, second", error.Message);
    }

    [Fact]
    public void ToDevice_ForwardStillReadsTheMovedParameters()
    {
        using var model = new Pair();
        using var input = ones(1, 2);
        using var before = model.call(input);

        model.to(ScalarType.Float64);
        using var after = model.call(input.to_type(ScalarType.Float64));

        Assert.Equal(ScalarType.Float64, after.dtype);
        Assert.Equal(before.data<float>().ToArray().Select(v => (double)v), after.data<double>().ToArray(), (x, y) => Math.Abs(x - y) < 1e-6);
    }

    [Fact]
    public void Load_MissingTensorStrict_NamesItAndLeavesModelUnchanged()
    {
        using var target = new Pair();
        using var source = new Pair();
        var expected = target.state_dict()["first.weight"].data<float>().ToArray();
        var state = source.state_dict().Where(kv => kv.Key != "second.weight").ToDictionary();

        var error = Assert.Throws<StateDictException>(() => StateDicts.Load(target, state));

        Assert.Equal("second.weight", error.TensorName);
        Assert.Equal(expected, target.state_dict()["first.weight"].data<float>().ToArray());
    }

    [Fact]
    public void Load_UnexpectedTensorStrict_IsNamed()
    {
        using var target = new Pair();
        using var extra = zeros(1);
        var state = target.state_dict().ToDictionary();
        state["third.weight"] = extra;

        var error = Assert.Throws<StateDictException>(() => StateDicts.Load(target, state));

        Assert.Equal("third.weight", error.TensorName);
    }

    [Fact]
    public void Load_NonStrict_ReportsMissingAndUnexpected_CopiesTheRest()
    {
        using var target = new Pair();
        using var scale = full(2, 3f);
        using var extra = zeros(1);
        var state = new Dictionary<string, Tensor> { ["scale"] = scale, ["other"] = extra };

        var result = StateDicts.Load(target, state, strict: false);

        Assert.Equal(["first.weight", "first.bias", "second.weight"], result.MissingKeys);
        Assert.Equal(["other"], result.UnexpectedKeys);
        Assert.Equal([3f, 3f], target.state_dict()["scale"].data<float>().ToArray());
    }

    [Fact]
    public void Load_ShapeMismatch_NamesTensorAndBothShapes()
    {
        using var target = new Pair();
        using var wrong = zeros(4, 2);
        var state = target.state_dict().ToDictionary();
        state["first.weight"] = wrong;

        var error = Assert.Throws<StateDictException>(() => StateDicts.Load(target, state, strict: false));

        Assert.Equal("first.weight", error.TensorName);
        Assert.Contains("[4, 2]", error.Message);
        Assert.Contains("[3, 2]", error.Message);
    }

    [Fact]
    public void Load_DTypeMismatch_NamesTensor()
    {
        using var target = new Pair();
        using var wrong = zeros(3, ScalarType.Float64);
        var state = target.state_dict().ToDictionary();
        state["first.bias"] = wrong;

        var error = Assert.Throws<StateDictException>(() => StateDicts.Load(target, state));

        Assert.Equal("first.bias", error.TensorName);
        Assert.Contains("Float64", error.Message);
    }

    [Fact]
    public void SetRequiresGrad_False_FreezesEveryParameter()
    {
        using var model = new Pair();

        model.SetRequiresGrad(false);

        Assert.Empty(model.NamedTrainableParameters());
    }

    [Fact]
    public void Dispose_ReleasesEveryParameter()
    {
        var model = new Pair();
        var parameters = model.parameters().ToList();

        model.Dispose();

        Assert.All(parameters, p => Assert.True(p.IsInvalid));
    }
}
