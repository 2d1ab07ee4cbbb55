using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FedTransfer.Models.Tests.TestSupport;

/// <summary>ONNX Runtime as the reference an imported model is compared with: one session, single-input models.</summary>
internal sealed class OnnxRuntimeReference : IDisposable
{
    private readonly InferenceSession _session;

    public OnnxRuntimeReference(string path)
    {
        using var options = SingleThreaded();
        _session = new InferenceSession(path, options);
    }

    public OnnxRuntimeReference(byte[] model)
    {
        using var options = SingleThreaded();
        _session = new InferenceSession(model, options);
    }

    // One intra-op thread: the result does not depend on how the machine's cores are shared.
    private static SessionOptions SingleThreaded() => new() { IntraOpNumThreads = 1, InterOpNumThreads = 1 };

    /// <summary>Runs the model on <paramref name="input"/> of <paramref name="shape"/> and returns its first output, flattened.</summary>
    public float[] Run(float[] input, int[] shape)
    {
        var name = _session.InputMetadata.Keys.Single();
        using var results = _session.Run([NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(input, shape))]);
        return results.First().AsEnumerable<float>().ToArray();
    }

    public void Dispose() => _session.Dispose();
}
