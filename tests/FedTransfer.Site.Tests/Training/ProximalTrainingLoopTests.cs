using FedTransfer.Models.Data;
using FedTransfer.Models.NN;
using FedTransfer.Site.Tests.Support;
using FedTransfer.Site.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedTransfer.Site.Tests.Training;

public sealed class ProximalTrainingLoopTests
{
    [Fact]
    public void ProximalTerm_IsTheSumOfSquaredDistancesToTheGlobalTensors()
    {
        // Arrange
        using var scope = NewDisposeScope();
        var a = new Parameter(tensor(new[] { 1f, 2f }));
        var b = new Parameter(tensor(new[] { 0f, 0f, 3f, 1f }, [2, 2]));
        var global = new Dictionary<string, Tensor> { ["a"] = tensor(new[] { 0f, 0f }), ["b"] = tensor(new[] { 1f, 0f, 3f, -1f }, [2, 2]) };

        // Act
        var term = ProximalTrainingLoop.ProximalTerm([("a", a), ("b", b)], global).item<float>();

        // Assert: (1 + 4) + (1 + 0 + 0 + 4)
        Assert.Equal(10f, term, 5);
    }

    [Fact]
    public void Evaluate_PerfectClassifier_HasAccuracyOneAndTheMeanLoss()
    {
        // Arrange: a 2-class head whose logits are the two features themselves.
        using var scope = NewDisposeScope();
        using var head = new ClassificationHead(2, 2);
        StateDicts.Load(head, new Dictionary<string, Tensor>
        {
            ["weight"] = tensor(new[] { 1f, 0f, 0f, 1f }, [2, 2]),
            ["bias"] = tensor(new[] { 0f, 0f }),
        });
        var data = new Dataset([5f, 0f, 0f, 5f, 5f, 0f], [2], [0L, 1L, 0L]);

        // Act
        var (loss, accuracy) = ProximalTrainingLoop.Evaluate(head, data, batchSize: 2, CPU, CancellationToken.None);

        // Assert: each example's loss is log(1 + e^-5).
        Assert.Equal(1.0, accuracy);
        Assert.Equal(Math.Log(1 + Math.Exp(-5)), loss, 5);
    }

    [Fact]
    public void Train_OneEpoch_ChangesOnlyTheTensorsItWasGiven()
    {
        // Arrange
        using var fed = new TinyFederation();
        using var scope = NewDisposeScope();
        using var model = SiteModelFactory.Create(fed.BackbonePath, TinyFederation.AdapterSpec, TaskSpec.Parse(TinyFederation.TaskSpec), null);
        var trainable = model.NamedTrainableParameters().ToList();
        var before = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.data<float>().ToArray());
        var global = trainable.ToDictionary(t => t.name, t => t.parameter.detach().clone());
        var data = fed.Data().Splits.Train;

        // Act
        var (loss, _) = ProximalTrainingLoop.Train(model, trainable, global, data, new LocalHyperParameters(1, 8, 0.05, 0.1, 1), CPU, CancellationToken.None);

        // Assert
        Assert.True(double.IsFinite(loss));
        var names = trainable.Select(t => t.name).ToHashSet();
        foreach (var (name, t) in model.state_dict())
        {
            var same = before[name].SequenceEqual(t.data<float>().ToArray());
            Assert.True(names.Contains(name) != same, $"{name}: trainable={names.Contains(name)}, unchanged={same}");
        }
    }
}
