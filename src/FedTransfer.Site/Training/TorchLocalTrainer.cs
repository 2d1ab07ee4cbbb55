using DeclineReason = FedTransfer.Contracts.V1.DeclineReason;
using FedTransfer.Federation.Hosting;
using System.Diagnostics;
using FedTransfer.Site.Configuration;
using FedTransfer.Site.LocalData;
using FedTransfer.Models;
using FedTransfer.Models.NN;
using FedTransfer.Models.Serialization;
using FedTransfer.Weights.Serialization;
using FedTransfer.Models.Training;
using TorchSharp;
using static TorchSharp.torch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FedTransfer.Site.Training;

/// <summary>
/// The libtorch trainer: rebuilds backbone + adapters + new head, loads the global adapter (exactly the task's
/// trainable set), trains on the local train split on the configured device and returns local − global for the
/// trainable tensors only, with aggregate metrics. One task at a time, on a dedicated thread, because dispose scopes
/// and the engine's thread pool are per thread.
/// </summary>
internal sealed class TorchLocalTrainer : ILocalTrainer
{
    private readonly SiteData _data;
    private readonly SiteOptions _options;
    private readonly ILogger _log;
    private readonly Lazy<Device> _device;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public TorchLocalTrainer(SiteData data, IOptions<SiteOptions> options, ILogger<TorchLocalTrainer> log)
    {
        _data = data;
        _options = options.Value;
        _log = log;
        _device = new Lazy<Device>(() =>
        {
            // One training at a time (see _oneAtATime) on every core by default: never more engine threads than cores.
            Engine.SetThreads(_options.Threads > 0 ? _options.Threads : Environment.ProcessorCount);
            return Engine.ParseDevice(_options.Device);
        });
    }

    public SiteCapabilities Describe()
    {
        var splits = _data.Splits;
        var device = _device.Value;
        return new SiteCapabilities(device.Describe(), device.IsCuda() ? $"CUDA device {Math.Max(device.index, 0)}" : "", 0,
            _options.Threads > 0 ? _options.Threads : Environment.ProcessorCount, splits.Train.Count, splits.Validation.Count);
    }

    public Task<LocalTrainResult> TrainAsync(LocalTrainRequest request, CancellationToken ct) => RunAsync(() => Train(request, ct), ct);

    public Task<LocalEvaluation> EvaluateAsync(LocalEvaluateRequest request, CancellationToken ct) => RunAsync(() => Evaluate(request, ct), ct);

    private LocalTrainResult Train(LocalTrainRequest request, CancellationToken ct)
    {
        var hp = request.HyperParameters;
        if (hp.Epochs < 1 || hp.BatchSize < 1 || !(hp.LearningRate > 0) || !(hp.FedProxMu >= 0))
            throw new TaskNotFeasibleException(DeclineReason.InvalidTask,
                $"hyper-parameters out of range: epochs {hp.Epochs}, batch {hp.BatchSize}, lr {hp.LearningRate}, mu {hp.FedProxMu}");
        var clock = Stopwatch.StartNew();
        var splits = _data.Splits;
        var device = _device.Value;
        Engine.Seed(hp.Seed);
        using var scope = NewDisposeScope();
        using var model = Build(request.BackbonePath, request.GlobalAdapterPath, request.AdapterSpec, request.TaskSpec, request.Trainable, splits, device);
        var trainable = model.NamedTrainableParameters().ToList();
        var global = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using (no_grad())
            foreach (var (name, tensor) in trainable) global[name] = tensor.detach().clone();

        var (trainLoss, trainAccuracy) = ProximalTrainingLoop.Train(model, trainable, global, splits.Train, hp, device, ct);
        var (valLoss, valAccuracy) = ProximalTrainingLoop.Evaluate(model, splits.Validation, hp.BatchSize, device, ct);

        var delta = DeltaOf(trainable.ToDictionary(t => t.name, t => (Tensor)t.parameter, StringComparer.Ordinal), global, request.Trainable);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal) { ["train_loss"] = trainLoss, ["train_accuracy"] = trainAccuracy };
        if (splits.Validation.Count > 0)
        {
            metrics["val_loss"] = valLoss;
            metrics["val_accuracy"] = valAccuracy;
        }
        SiteLog.Trained(_log, hp.Epochs, splits.Train.Count, device.Describe(), clock.Elapsed.TotalSeconds, trainLoss, valAccuracy, PeakMemory.Megabytes() ?? double.NaN);
        return new LocalTrainResult(delta, splits.Train.Count, metrics);
    }

    private LocalEvaluation Evaluate(LocalEvaluateRequest request, CancellationToken ct)
    {
        var splits = _data.Splits;
        var device = _device.Value;
        using var scope = NewDisposeScope();
        var expected = SafeTensors.ReadHeaderFile(request.GlobalAdapterPath).Tensors.Select(TensorSpec.Of).ToList();
        using var model = Build(request.BackbonePath, request.GlobalAdapterPath, request.AdapterSpec, request.TaskSpec, expected, splits, device);
        var (loss, accuracy) = ProximalTrainingLoop.Evaluate(model, splits.Validation, request.BatchSize, device, ct);
        SiteLog.Evaluated(_log, splits.Validation.Count, device.Describe(), loss, accuracy);
        return new LocalEvaluation(splits.Validation.Count, new Dictionary<string, double> { ["val_loss"] = loss, ["val_accuracy"] = accuracy });
    }

    /// <summary>The task's model with the global adapter loaded, on <paramref name="device"/>, after checking that it trains exactly the expected tensors.</summary>
    private nn.Module<Tensor, Tensor> Build(string backbone, string adapter, string adapterSpec, string taskSpec, IReadOnlyList<TensorSpec> expected, SiteSplits splits, Device device)
    {
        var task = TaskSpec.Parse(taskSpec);
        var maxLabel = Math.Max(MaxLabel(splits.Train), MaxLabel(splits.Validation));
        if (maxLabel >= task.Classes)
            throw new TaskNotFeasibleException(DeclineReason.LabelMismatch,
                $"local labels go up to {maxLabel} but the task has {task.Classes} classes; map the labels with Site:ImageClasses");
        var schema = new SafeTensorsSchema(expected);
        nn.Module<Tensor, Tensor> model;
        try
        {
            // The adapter file must hold exactly the trainable set: a frozen backbone weight in it would otherwise be loaded.
            schema.EnsureConforms(SafeTensors.ReadHeaderFile(adapter), adapter);
            model = SiteModelFactory.Create(backbone, adapterSpec, task, _options.BackboneConfigFile);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
        {
            throw new TaskNotFeasibleException(DeclineReason.IncompatibleBackbone, e.Message, e);
        }
        try
        {
            var violations = schema.Check(model.NamedTrainableParameters().Select(p => new TensorSpec(p.name, p.parameter.dtype.ToDType(), p.parameter.shape)));
            if (violations.Count > 0)
                throw new TaskNotFeasibleException(DeclineReason.IncompatibleBackbone,
                    $"adapter spec '{adapterSpec}' on this backbone does not train the task's tensors: {violations[0].Message}");
            ModelCheckpoint.LoadTrainable(model, adapter);
            model.to(device);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static long MaxLabel(FedTransfer.Models.Data.Dataset data)
    {
        var max = -1L;
        foreach (var label in data.Labels.Span) max = Math.Max(max, label);
        return max;
    }

    /// <summary>local − global for each expected tensor, in the expected dtype, copied to host memory; a non-finite delta is a <see cref="TaskNotFeasibleException"/> (NonFiniteLoss).</summary>
    internal static List<TensorRecord> DeltaOf(IReadOnlyDictionary<string, Tensor> local, IReadOnlyDictionary<string, Tensor> global, IReadOnlyList<TensorSpec> expected)
    {
        var delta = new List<TensorRecord>(expected.Count);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        foreach (var spec in expected)
        {
            var d = local[spec.Name].sub(global[spec.Name]);
            // Checked on the engine, before the copy to host memory: the door would refuse it, but with the wrong reason.
            if (!d.isfinite().all().item<bool>())
                throw new TaskNotFeasibleException(DeclineReason.NonFiniteLoss, $"the delta of '{spec.Name}' holds NaN or infinite values; lower the learning rate");
            var type = spec.DType.ToScalarType();
            delta.Add((d.dtype == type ? d : d.to_type(type)).ToRecord(spec.Name));
        }
        return delta;
    }

    private async Task<T> RunAsync<T>(Func<T> work, CancellationToken ct)
    {
        await _oneAtATime.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await Task.Factory.StartNew(work, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }
}
