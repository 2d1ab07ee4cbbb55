using System.CommandLine;
using System.Globalization;
using FedTransfer.Models.Import;
using Spectre.Console;

namespace FedTransfer.Cli.Commands;

/// <summary>
/// <c>fedtransfer backbone import --onnx FILE --out DIR</c>: a pretrained ONNX ResNet (e.g. the ImageNet ResNet18.onnx of
/// Microsoft.ML.DnnImageFeaturizer.ResNet18) into <c>DIR/backbone.safetensors</c> under torchvision names, with the
/// architecture, the source digest and the input normalisation in its metadata.
/// </summary>
internal static class BackboneImportCommand
{
    public static Command Create()
    {
        var onnx = new Option<string>("--onnx") { Description = "The ONNX model (a ResNet of basic blocks ending at the pooled features).", Required = true };
        var output = new Option<string>("--out") { Description = "Directory for backbone.safetensors.", Required = true };
        var preprocess = new Option<string?>("--preprocess")
        {
            Description = "The ONNX input-normalisation graph to record (channel order, mean, scale); default: ../ResNetPrepOnnx/ResNetPreprocess.onnx beside the model when it exists.",
        };
        var command = new Command("import", "Import a pretrained ONNX backbone into a safetensors backbone with torchvision names.") { onnx, output, preprocess };
        command.SetAction((result, ct) => CommandRunner.RunAsync(_ =>
        {
            var source = Path.GetFullPath(result.GetValue(onnx)!);
            if (!File.Exists(source))
                throw new FileNotFoundException($"ONNX file '{source}' does not exist; pass the model with --onnx", source);
            var preprocessPath = result.GetValue(preprocess) ?? SiblingPreprocess(source);
            var normalization = preprocessPath is null ? null : InputNormalization.FromOnnx(preprocessPath);
            using var imported = ResNetOnnxImporter.Import(source);
            var path = ResNetBackbone.Save(imported, Path.GetFullPath(result.GetValue(output)!), normalization);
            var parameters = imported.Model.named_parameters().Where(p => !p.name.StartsWith("fc.", StringComparison.Ordinal)).Sum(p => p.parameter.numel());
            AnsiConsole.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Imported {imported.Architecture} (blocks {string.Join(",", imported.Blocks)}, {parameters:N0} parameters, {imported.Producer}) from {source} (sha256 {imported.SourceSha256})"));
            AnsiConsole.WriteLine(normalization is null
                ? "Input normalisation: unknown (no preprocessing graph; pass --preprocess FILE to record it)"
                : string.Create(CultureInfo.InvariantCulture,
                    $"Input normalisation from {preprocessPath}: channel order [{string.Join(",", normalization.ChannelOrder)}], mean [{string.Join(", ", normalization.Mean.Select(m => m.ToString("F3", CultureInfo.InvariantCulture)))}], std [{string.Join(", ", normalization.Std)}]"));
            AnsiConsole.WriteLine($"Wrote {path} ({Format.Bytes(new FileInfo(path).Length)})");
            return 0;
        }, ct));
        return command;
    }

    /// <summary>ML.NET's layout: DnnImageModels/ResNet18Onnx/ResNet18.onnx beside DnnImageModels/ResNetPrepOnnx/ResNetPreprocess.onnx.</summary>
    private static string? SiblingPreprocess(string model)
    {
        var folder = Path.GetDirectoryName(Path.GetDirectoryName(model));
        var candidate = folder is null ? null : Path.Combine(folder, "ResNetPrepOnnx", "ResNetPreprocess.onnx");
        return candidate is not null && File.Exists(candidate) ? candidate : null;
    }
}
