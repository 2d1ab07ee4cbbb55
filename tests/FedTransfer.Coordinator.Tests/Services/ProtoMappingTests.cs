using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Persistence;
using FedTransfer.Federation.Updates;
using FedTransfer.Weights;
using TrainableSet = FedTransfer.Federation.Updates.TrainableSet;

namespace FedTransfer.Coordinator.Tests.Services;

public class ProtoMappingTests
{
    [Fact]
    public void ToMessage_TrainableSet_KeepsNamesDTypesShapesAndCount()
    {
        var set = TrainableSet.Create([new TrainableTensor("b", DType.BFloat16, [2, 3]), new TrainableTensor("a", DType.Float32, [4])]);

        var message = ProtoMapping.ToMessage(set);

        Assert.Equal(10, message.ParameterCount);
        Assert.Equal([("a", TensorDType.F32, "4"), ("b", TensorDType.Bf16, "2,3")], message.Tensors.Select(t => (t.Name, t.Dtype, string.Join(",", t.Shape))));
    }

    [Fact]
    public void Metrics_RoundTripThroughJson_DroppingNonFinite()
    {
        var json = ProtoMapping.MetricsJson(new Dictionary<string, double> { ["loss"] = 0.25, ["bad"] = double.NaN });

        Assert.Equal(new Dictionary<string, double> { ["loss"] = 0.25 }, ProtoMapping.ParseMetrics(json));
    }

    [Theory]
    [InlineData(RowValues.Accepted, ResultOutcome.Accepted)]
    [InlineData(RowValues.Rejected, ResultOutcome.Rejected)]
    [InlineData(RowValues.Late, ResultOutcome.Late)]
    public void ToOutcome_MapsStoredOutcomes(string stored, ResultOutcome expected)
    {
        Assert.Equal(expected, ProtoMapping.ToOutcome(stored));
    }
}
