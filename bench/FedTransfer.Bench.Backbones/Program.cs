using System.Diagnostics;
using System.Globalization;
using FedTransfer.Models;
using FedTransfer.Models.Import;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static TorchSharp.torch;

// The packaged ImageNet ResNet-18 (Microsoft.ML.DnnImageFeaturizer.ResNet18, a CNTK export) imported into our ResNet and
// run next to ONNX Runtime on the same seeded images, one image at a time (the file's batch is fixed at 1), with the
// same number of intra-op threads; the two take turns per image so machine noise hits both alike.
// Args: [images (8)] [threads (1)] [warm-up images (2)].
var images = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 8;
var threads = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1;
var warmup = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2;

Engine.SetThreads(threads);
var path = PackagedModels.ResNet18Onnx;
var importClock = Stopwatch.StartNew();
using var imported = ResNetOnnxImporter.Import(path);
importClock.Stop();
imported.Model.eval();
using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
using var session = new InferenceSession(path, options);
var inputName = session.InputMetadata.Keys.Single();
Console.WriteLine($"model: {path} ({imported.Architecture}, blocks {string.Join(",", imported.Blocks)}, {imported.Producer}); import {importClock.Elapsed.TotalMilliseconds:F0} ms; {threads} thread(s) each");

var random = new Random(42);
double worst = 0, oursMs = 0, ortMs = 0;
for (var i = 0; i < warmup + images; i++)
{
    var image = new float[3 * 224 * 224];
    for (var j = 0; j < image.Length; j++)
        image[j] = (float)(random.NextDouble() * 255 - 120);

    var clock = Stopwatch.StartNew();
    using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, new DenseTensor<float>(image, [1, 3, 224, 224]))]);
    var expected = results.First().AsEnumerable<float>().ToArray();
    var ortElapsed = clock.Elapsed.TotalMilliseconds;

    clock.Restart();
    float[] actual;
    using (var scope = NewDisposeScope())
    using (no_grad())
        actual = imported.Model.ForwardFeatures(tensor(image, [1, 3, 224, 224])).data<float>().ToArray();
    var oursElapsed = clock.Elapsed.TotalMilliseconds;

    if (i < warmup)
        continue;
    oursMs += oursElapsed;
    ortMs += ortElapsed;
    worst = Math.Max(worst, expected.Zip(actual).Max(p => Math.Abs((double)p.First - p.Second)));
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"resnet18_ours_ms_per_image={oursMs / images:F1}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"resnet18_onnxruntime_ms_per_image={ortMs / images:F1}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"resnet18_inference_ratio_vs_onnxruntime={ortMs / oursMs:F3}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"resnet18_max_abs_diff_vs_onnxruntime={worst:E3}"));
