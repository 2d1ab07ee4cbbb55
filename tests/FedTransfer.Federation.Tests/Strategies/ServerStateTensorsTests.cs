using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Updates;
using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Tests.Strategies;

public class ServerStateTensorsTests
{
    private static readonly TrainableTensor Spec = new("head.weight", DType.BFloat16, [2, 2]);

    [Fact]
    public void Read_Missing_IsFilledWithTheInitialValue()
    {
        Assert.Equal([0.5f, 0.5f, 0.5f, 0.5f], ServerStateTensors.Read([], "v", Spec, 0.5f));
    }

    [Fact]
    public void WriteThenRead_RoundTripsInFloat32()
    {
        var state = new[] { ServerStateTensors.Write("m", Spec, [1e-9f, 2f, -3f, 4f]) };

        Assert.Equal("m/head.weight", state[0].Name);
        Assert.Equal([1e-9f, 2f, -3f, 4f], ServerStateTensors.Read(state, "m", Spec, 0f));
    }

    [Fact]
    public void Read_WrongShape_Throws()
    {
        var state = new[] { TensorRecord.FromSingles("m/head.weight", [1f], DType.Float32, 1) };

        var e = Assert.Throws<InvalidOperationException>(() => ServerStateTensors.Read(state, "m", Spec, 0f));

        Assert.Contains("does not belong to this run's adapter", e.Message);
    }
}
