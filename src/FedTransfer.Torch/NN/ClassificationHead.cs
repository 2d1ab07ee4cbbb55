namespace FedTransfer.Torch.NN;

/// <summary>
/// Task head: optional dropout, then a linear map from features to class logits. Tensors <c>weight</c> [classes, features]
/// and <c>bias</c> [classes], i.e. the same names as a PyTorch <c>nn.Linear</c> registered as <c>head</c>.
/// </summary>
public sealed class ClassificationHead : Module
{
    /// <summary>Creates a freshly initialised head (PyTorch Linear defaults).</summary>
    public ClassificationHead(long features, long classes, double dropout = 0)
    {
        if (features <= 0 || classes <= 0)
            throw new ArgumentOutOfRangeException(nameof(classes), $"a classification head needs positive sizes, got features={features}, classes={classes}");
        Features = features;
        Classes = classes;
        RegisterModule("drop", new Dropout(dropout));
        RegisterParameter("weight", Init.KaimingUniform([classes, features], features));
        RegisterParameter("bias", Init.Uniform([classes], 1.0 / Math.Sqrt(features)));
    }

    /// <summary>Feature width.</summary>
    public long Features { get; }

    /// <summary>Number of classes (logits).</summary>
    public long Classes { get; }

    /// <summary>Maps [batch, features] to [batch, classes] logits.</summary>
    public override Tensor Forward(Tensor input)
    {
        // The dropout child has no tensors, so the state dict stays `head.weight`/`head.bias`.
        return Functional.Linear(Child("drop").Forward(input), Parameter("weight"), Parameter("bias"));
    }
}
