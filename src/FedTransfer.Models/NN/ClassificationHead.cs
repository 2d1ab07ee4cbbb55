using static TorchSharp.torch;

namespace FedTransfer.Models.NN;

/// <summary>
/// Task head: optional dropout, then a linear map from features to class logits. Tensors <c>weight</c> [classes, features]
/// and <c>bias</c> [classes], i.e. the same names as a PyTorch <c>nn.Linear</c> registered as <c>head</c>.
/// </summary>
public sealed class ClassificationHead : TransferModule
{
    /// <summary>Creates a freshly initialised head (PyTorch Linear defaults).</summary>
    public ClassificationHead(long features, long classes, double dropout = 0) : base(nameof(ClassificationHead))
    {
        if (features <= 0 || classes <= 0)
            throw new ArgumentOutOfRangeException(nameof(classes), $"a classification head needs positive sizes, got features={features}, classes={classes}");
        Features = features;
        Classes = classes;
        AddChild("drop", Layers.Dropout(dropout));
        // nn.Linear's default initialisation (kaiming_uniform with a = sqrt(5) collapses to ±1/sqrt(fan_in)).
        var bound = 1.0 / Math.Sqrt(features);
        using (no_grad())
        {
            AddParameter("weight", empty(classes, features).uniform_(-bound, bound));
            AddParameter("bias", empty(classes).uniform_(-bound, bound));
        }
    }

    /// <summary>Feature width.</summary>
    public long Features { get; }

    /// <summary>Number of classes (logits).</summary>
    public long Classes { get; }

    /// <summary>Maps [batch, features] to [batch, classes] logits.</summary>
    public override Tensor forward(Tensor input) =>
        nn.functional.linear(Child("drop").call(input), Param("weight"), Param("bias"));
}
