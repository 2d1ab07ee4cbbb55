using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Tests.TestSupport;
using FedTransfer.Weights;

namespace FedTransfer.Federation.Tests.Strategies;

public class GlobalTensorsTests
{
    [Fact]
    public void ReadThenWrite_RoundTripsInTheTensorsDtype()
    {
        var set = Deltas.Mixed();
        var global = new GlobalAdapter(set, Deltas.Random(set, 3));

        foreach (var spec in set.Tensors)
        {
            var written = GlobalTensors.Write(spec, GlobalTensors.Read(global, spec));
            Assert.Equal(spec.DType, written.DType);
            Assert.Equal(global.Tensors.Single(t => t.Name == spec.Name).Data.ToArray(), written.Data.ToArray());
        }
    }

    [Fact]
    public void Read_TensorMissingFromTheGlobal_Throws()
    {
        var set = Deltas.Set(("w", DType.Float32, [2]));
        var global = new GlobalAdapter(set, Deltas.Random(Deltas.Set(("other", DType.Float32, [2])), 1));

        var e = Assert.Throws<InvalidOperationException>(() => GlobalTensors.Read(global, set.Tensors[0]));

        Assert.Contains("'w' is missing", e.Message);
    }
}
