namespace FedTransfer.Models.Import;

/// <summary>
/// Pretrained models that ship inside NuGet packages, found in the NuGet package folder where a restore put them
/// (<c>NUGET_PACKAGES</c>, else <c>~/.nuget/packages</c>). The weights are never copied into the repository.
/// </summary>
public static class PackagedModels
{
    /// <summary>The package carrying the ImageNet ResNet-18 (a CNTK export, ONNX opset 8).</summary>
    public const string ResNet18Package = "Microsoft.ML.DnnImageFeaturizer.ResNet18";

    /// <summary>Its version; the same as <c>ResNet18FeaturizerVersion</c> in Directory.Packages.props.</summary>
    public const string ResNet18Version = "0.24.0";

    /// <summary>The NuGet package folder.</summary>
    public static string PackageFolder =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder
            ? folder
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary><c>ResNet18.onnx</c>: input [1, 3, 224, 224] (BGR, 0-255 minus a mean image), output the 512 pooled features.</summary>
    public static string ResNet18Onnx => Find(Path.Combine("tools", "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx"));

    /// <summary><c>ResNetPreprocess.onnx</c>: RGB to BGR and the mean image the ResNet-18 was trained with.</summary>
    public static string ResNet18Preprocess => Find(Path.Combine("tools", "DnnImageModels", "ResNetPrepOnnx", "ResNetPreprocess.onnx"));

    /// <summary>True when the package has been restored into <see cref="PackageFolder"/>.</summary>
    public static bool ResNet18Available => File.Exists(PathInPackage(Path.Combine("tools", "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx")));

    private static string PathInPackage(string relative) =>
        Path.Combine(PackageFolder, ResNet18Package.ToLowerInvariant(), ResNet18Version, relative);

    private static string Find(string relative)
    {
        var path = PathInPackage(relative);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"'{path}' is not there: restore the package {ResNet18Package} {ResNet18Version} first (`dotnet restore tests/FedTransfer.Models.Tests` downloads it), or set NUGET_PACKAGES to the package folder that has it", path);
    }
}
