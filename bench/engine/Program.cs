// A ViT-shaped training step written directly against the binding's functional API, mirrored op for op by
// bench/engine_step.py in PyTorch: patch conv, [cls] token, pre-norm transformer blocks, [cls]-token head,
// cross-entropy, backward, AdamW. Measures what the binding adds per op, independent of the nn modules.
using System.Diagnostics;
using System.Globalization;
using FedTransfer.Weights;
using FedTransfer.Torch.Optim;
using F = FedTransfer.Torch.Functional;

var options = args.Select(a => a.Split('=', 2)).ToDictionary(p => p[0].TrimStart('-'), p => p[1]);
int Get(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
int batch = Get("batch", 64), dim = Get("dim", 64), depth = Get("depth", 2), heads = Get("heads", 4);
int steps = Get("steps", 30), warmup = Get("warmup", 10), threads = Get("threads", Torch.GetNumThreads());
const int Image = 28, Patch = 7, Classes = 10;
long tokens = (Image / Patch) * (Image / Patch) + 1, headDim = dim / heads;

Torch.SetNumThreads(threads);
Torch.ManualSeed(0);
var parameters = new List<Tensor>();
Tensor Param(params long[] shape)
{
    var p = Tensor.Randn(shape).MulInPlace(0.02);
    p.RequiresGrad = true;
    parameters.Add(p);
    return p;
}

Tensor Ones(long n)
{
    var p = Tensor.Ones([n]);
    p.RequiresGrad = true;
    parameters.Add(p);
    return p;
}

Tensor ZerosParam(long n)
{
    var p = Tensor.Zeros([n]);
    p.RequiresGrad = true;
    parameters.Add(p);
    return p;
}

var patchW = Param(dim, 1, Patch, Patch);
var patchB = ZerosParam(dim);
var cls = Param(1, 1, dim);
var pos = Param(1, tokens, dim);
var blocks = Enumerable.Range(0, depth).Select(_ => new
{
    Ln1W = Ones(dim), Ln1B = ZerosParam(dim), QkvW = Param(3 * dim, dim), QkvB = ZerosParam(3 * dim),
    ProjW = Param(dim, dim), ProjB = ZerosParam(dim), Ln2W = Ones(dim), Ln2B = ZerosParam(dim),
    Fc1W = Param(2 * dim, dim), Fc1B = ZerosParam(2 * dim), Fc2W = Param(dim, 2 * dim), Fc2B = ZerosParam(dim),
}).ToList();
var normW = Ones(dim);
var normB = ZerosParam(dim);
var headW = Param(Classes, dim);
var headB = ZerosParam(Classes);
using var optimizer = new AdamW(parameters, lr: 1e-3);
var images = Tensor.Randn([batch, 1, Image, Image]);
var labels = Tensor.Randn([batch, Classes]).ArgMax(1);

double Step()
{
    using var scope = Torch.NewDisposeScope();
    optimizer.ZeroGrad();
    var x = F.Conv2d(images, patchW, patchB, stride: Patch).Flatten(2).Transpose(1, 2);
    x = F.Cat([cls.Expand(batch, -1, -1), x], 1).Add(pos);
    foreach (var b in blocks)
    {
        var h = F.LayerNorm(x, [dim], b.Ln1W, b.Ln1B);
        var qkv = F.Linear(h, b.QkvW, b.QkvB).View(batch, tokens, 3, heads, headDim).Permute(2, 0, 3, 1, 4);
        var q = qkv.Select(0, 0);
        var k = qkv.Select(0, 1);
        var v = qkv.Select(0, 2);
        var attn = q.Mul(1.0 / Math.Sqrt(headDim)).MatMul(k.Transpose(2, 3)).Softmax(-1);
        var context = attn.MatMul(v).Transpose(1, 2).Reshape(batch, tokens, dim);
        x = x.Add(F.Linear(context, b.ProjW, b.ProjB));
        h = F.LayerNorm(x, [dim], b.Ln2W, b.Ln2B);
        x = x.Add(F.Linear(F.Linear(h, b.Fc1W, b.Fc1B).Gelu(), b.Fc2W, b.Fc2B));
    }

    var logits = F.Linear(F.LayerNorm(x, [dim], normW, normB).Select(1, 0), headW, headB);
    var loss = F.CrossEntropy(logits, labels);
    loss.Backward();
    optimizer.Step();
    return loss.ToDouble();
}

for (var i = 0; i < warmup; i++)
{
    Step();
}

var live = Torch.LiveTensorCount;
var process = Process.GetCurrentProcess();
var cpuStart = process.TotalProcessorTime;
var watch = Stopwatch.StartNew();
var last = 0.0;
var stepSeconds = new double[steps];
var stepCpuSeconds = new double[steps];
for (var i = 0; i < steps; i++)
{
    var (t0, c0) = (watch.Elapsed.TotalSeconds, ThreadCpu.Seconds());
    last = Step();
    stepSeconds[i] = watch.Elapsed.TotalSeconds - t0;
    stepCpuSeconds[i] = ThreadCpu.Seconds() - c0;
}

Array.Sort(stepSeconds);
Array.Sort(stepCpuSeconds);

var seconds = watch.Elapsed.TotalSeconds;
process.Refresh();
var cpuSeconds = (process.TotalProcessorTime - cpuStart).TotalSeconds;
if (Torch.LiveTensorCount != live)
{
    Console.Error.WriteLine($"warning: live tensors went from {live} to {Torch.LiveTensorCount}");
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"samples_per_second={batch * steps / seconds:F1} best_samples_per_second={batch / stepSeconds[0]:F1} median_step_ms={stepSeconds[steps / 2] * 1000:F2} samples_per_cpu_second={batch * steps / cpuSeconds:F1} best_samples_per_thread_cpu_second={batch / stepCpuSeconds[0]:F1} median_thread_cpu_step_ms={stepCpuSeconds[steps / 2] * 1000:F2} loss={last:F4} threads={Torch.GetNumThreads()}"));

/// <summary>CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID): unlike wall time, it does not count the time
/// a busy shared machine keeps the thread waiting for a core.</summary>
internal static unsafe partial class ThreadCpu
{
    public static double Seconds()
    {
        long* ts = stackalloc long[2];
        clock_gettime(3, ts);
        return ts[0] + ts[1] * 1e-9;
    }

    [System.Runtime.InteropServices.LibraryImport("libc")]
    private static partial int clock_gettime(int clock, long* timespec);
}
