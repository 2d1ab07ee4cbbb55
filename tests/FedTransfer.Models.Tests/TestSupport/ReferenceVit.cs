using System.Globalization;
using FedTransfer.Models.NN;
using FedTransfer.Weights.Serialization;
using FedTransfer.Models.Serialization;
using FedTransfer.Models.Training;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.TestSupport;

/// <summary>Runs Assets/vit_reference.py on our model's weights and a batch, and returns what PyTorch computed.</summary>
internal static class ReferenceVit
{
    /// <param name="model">The model whose state dict PyTorch loads (strictly, so names and shapes must agree).</param>
    /// <param name="adapterSpec">'none' or the spec our model was adapted with.</param>
    /// <param name="adamW">When set, PyTorch also takes one AdamW step (lr, weight decay) and returns the trainable tensors.</param>
    /// <param name="gradients">When set, PyTorch returns the cross-entropy loss and the gradient of every trainable tensor.</param>
    public static SafeTensorsFile Run(VisionTransformer model, string adapterSpec, Tensor images, Tensor labels, (double Lr, double WeightDecay)? adamW = null, bool gradients = false)
    {
        var args = new List<string> { adapterSpec };
        if (gradients)
            args.Add("grads");
        else if (adamW is { } step)
        {
            args.Add(step.Lr.ToString("R", CultureInfo.InvariantCulture));
            args.Add(step.WeightDecay.ToString("R", CultureInfo.InvariantCulture));
        }
        return ReferenceTorch.Exchange(ReferenceTorch.ScriptPath, model, model.Config.Save, images, labels, [.. args]);
    }
}
