using FedTransfer.Models.Serialization;
using FedTransfer.Models.Training;
using FedTransfer.Weights.Serialization;
using static TorchSharp.torch;
using FedTransfer.TestSupport;
namespace FedTransfer.Models.Tests.TestSupport;

/// <summary>Debian's python3-torch as the reference implementation for parity tests, and the script that mirrors our modules.</summary>
internal static class ReferenceTorch
{
    private static readonly Lazy<string?> Unavailable = new(() =>
    {
        if (ReferencePython.WhyUnavailable is { } why)
            return why;
        var (code, output) = ReferencePython.Run("import torch");
        return code == 0 ? null : $"{ReferencePython.Executable} has no torch: {output.Trim()}";
    });

    /// <summary>Null when python3 can import torch; otherwise why not.</summary>
    public static string? WhyUnavailable => Unavailable.Value;

    /// <summary>Path of the reference ViT script copied beside the test assembly.</summary>
    public static string ScriptPath => AssetPath("vit_reference.py");

    /// <summary>Path of a reference script copied beside the test assembly.</summary>
    public static string AssetPath(string name) => Path.Combine(AppContext.BaseDirectory, "Assets", name);

    /// <summary>
    /// The exchange every parity test makes: in a temporary folder, writes the model's config (by <paramref name="writeConfig"/>),
    /// its state dict and the batch, runs <paramref name="script"/> on them with <paramref name="extraArgs"/>, and returns what
    /// the script wrote.
    /// </summary>
    public static SafeTensorsFile Exchange(string script, nn.Module model, Action<string> writeConfig, Tensor images, Tensor labels, params string[] extraArgs)
    {
        var dir = Directory.CreateTempSubdirectory("fedtransfer-parity-");
        try
        {
            var config = Path.Combine(dir.FullName, "config.json");
            var weights = Path.Combine(dir.FullName, "weights.safetensors");
            var input = Path.Combine(dir.FullName, "input.safetensors");
            var output = Path.Combine(dir.FullName, "output.safetensors");
            writeConfig(config);
            ModelCheckpoint.SaveStateDict(model, weights);
            SafeTensors.WriteFile(input, [images.ToRecord("images"), labels.ToRecord("labels")]);
            RunAsset(script, [config, weights, input, output, .. extraArgs]);
            return SafeTensors.Read(File.ReadAllBytes(output), output);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Runs the reference script <paramref name="script"/>; fails the test with its output on a non-zero exit.</summary>
    public static void RunAsset(string script, params string[] args)
    {
        var code = $"import runpy, sys; sys.argv = [{Quote(script)}] + sys.argv[1:]; runpy.run_path({Quote(script)}, run_name='__main__')";
        var (exit, output) = ReferencePython.Run(code, args);
        Assert.True(exit == 0, $"reference script failed ({exit}): {output}");
    }

    private static string Quote(string s) => "'" + s.Replace("\\", "\\\\").Replace("'", "\\'") + "'";
}

/// <summary>A fact skipped, with the reason, when Debian's python3-torch is not installed.</summary>
public sealed class TorchPythonFactAttribute : FactAttribute
{
    public TorchPythonFactAttribute()
    {
        if (ReferenceTorch.WhyUnavailable is { } why)
            Skip = $"Reference PyTorch unavailable: {why}";
    }
}
