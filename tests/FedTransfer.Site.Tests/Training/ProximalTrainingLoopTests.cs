using FedTransfer.Site.Tests.Support;
using FedTransfer.Site.Training;
using FedTransfer.Weights;
using FedTransfer.Models.Data;
using FedTransfer.Models.NN;

namespace FedTransfer.Site.Tests.Training;

public sealed class ProximalTrainingLoopTests
{
    [Fact]
    public void ProximalTerm_IsTheSumOfSquaredDistancesToTheGlobalTensors()
    {
        // Arrange
        using var scope = Torch.Torch.NewDisposeScope();
        var a = Tensor.From([1f, 2f], 2);
        var b = Tensor.From([0f, 0f, 3f, 1f], 2, 2);
        var global = new Dictionary<string, Tensor> { ["a"] = Tensor.From([0f, 0f], 2), ["b"] = Tensor.From([1f, 0f, 3f, -1f], 2, 2) };

        // Act
        var term = ProximalTrainingLoop.ProximalTerm([("a", a), ("b", b)], global).ToSingle();

        // Assert: (1 + 4) + (1 + 0 + 0 + 4)
        Assert.Equal(10f, term, 5);
    }

    [Fact]
    public void Evaluate_PerfectClassifier_HasAccuracyOneAndTheMeanLoss()
    {
        // Arrange: a 2-class head whose logits are the two features themselves.
        using var scope = Torch.Torch.NewDisposeScope();
        using var head = new ClassificationHead(2, 2);
        using (Torch.Torch.NoGrad())
        {
            head.LoadStateDict(new Dictionary<string, Tensor>
            {
                ["weight"] = Tensor.From([1f, 0f, 0f, 1f], 2, 2),
                ["bias"] = Tensor.From([0f, 0f], 2),
            });
        }
        var data = new Dataset([5f, 0f, 0f, 5f, 5f, 0f], [2], [0L, 1L, 0L]);

        // Act
        var (loss, accuracy) = ProximalTrainingLoop.Evaluate(head, data, batchSize: 2, Device.Cpu, CancellationToken.None);

        // Assert: each example's loss is log(1 + e^-5).
        Assert.Equal(1.0, accuracy);
        Assert.Equal(Math.Log(1 + Math.Exp(-5)), loss, 5);
    }

    [Fact]
    public void Train_OneEpoch_ChangesOnlyTheTensorsItWasGiven()
    {
        // Arrange
        using var fed = new TinyFederation();
        using var scope = Torch.Torch.NewDisposeScope();
        using var model = SiteModelFactory.Create(fed.BackbonePath, TinyFederation.AdapterSpec, TaskSpec.Parse(TinyFederation.TaskSpec), null);
        var trainable = model.NamedTrainableParameters().ToList();
        var before = model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray<float>());
        var global = trainable.ToDictionary(t => t.Name, t => t.Tensor.Detach().Clone());
        var data = fed.Data().Splits.Train;

        // Act
        var (loss, _) = ProximalTrainingLoop.Train(model, trainable, global, data, new LocalHyperParameters(1, 8, 0.05, 0.1, 1), Device.Cpu, CancellationToken.None);

        // Assert
        Assert.True(double.IsFinite(loss));
        var names = trainable.Select(t => t.Name).ToHashSet();
        foreach (var (name, tensor) in model.StateDict())
        {
            var same = before[name].SequenceEqual(tensor.ToArray<float>());
            Assert.True(names.Contains(name) != same, $"{name}: trainable={names.Contains(name)}, unchanged={same}");
        }
    }
}
