using System.CommandLine;
using FedTransfer.Cli.Admin;
using FedTransfer.Contracts.V1;
using FedTransfer.Site.Training;
using FedTransfer.Models.Training;
using Spectre.Console;

namespace FedTransfer.Cli.Commands;

/// <summary>
/// <c>fedtransfer federation create</c>: uploads a backbone and the initial adapter built for an adapter spec and a
/// task, and registers the federation. The coordinator never builds models: it learns the trainable set from the
/// initial adapter.
/// </summary>
internal static class FederationCreateCommand
{
    public static Command Create()
    {
        var backbone = new Option<string>("--backbone") { Description = "Folder with backbone.safetensors + backbone.json (from `fedtransfer pretrain`).", DefaultValueFactory = _ => "data/backbone" };
        var adapter = new Option<string>("--adapter") { Description = "Adapter spec, e.g. lora:r=8,alpha=16,targets=attn.qkv or bottleneck:reduction=16. LoRA aggregation: " +
                          "agg=naive (default: A and B averaged separately, inexact), agg=frozen-a[,a_seed=N] (A drawn from a shared seed and frozen; " +
                          "only B trained and sent: exact, half the LoRA uplink), agg=exact (mean of B·A re-factorised by truncated SVD; FedAvg-family strategies only).", DefaultValueFactory = _ => "lora:r=8,alpha=16,targets=attn.qkv|attn.proj" };
        var task = new Option<string>("--task") { Description = "Task spec, e.g. classify:classes=5.", DefaultValueFactory = _ => "classify:classes=5" };
        var name = new Option<string>("--name") { Description = "Federation name shown to the team.", DefaultValueFactory = _ => "federation" };
        var seed = new Option<long>("--seed") { Description = "Seed of the initial adapter and head.", DefaultValueFactory = _ => 1 };
        var quiet = new Option<bool>("--quiet") { Description = "Print only the federation id (for scripts)." };
        var command = new Command("create", "Register a federation: backbone, adapter spec, task spec.") { backbone, adapter, task, name, seed, quiet };
        CoordinatorConnection.AddOptions(command);
        command.SetAction((result, ct) => CommandRunner.RunAsync(async ct =>
        {
            var files = new BackboneFiles(result.GetValue(backbone)!);
            var taskSpec = result.GetValue(task)!;
            var classes = ClassesOf(taskSpec);
            var initialPath = Path.Combine(Path.GetTempPath(), $"fedtransfer-initial-{Guid.NewGuid():N}.safetensors");
            try
            {
                InitialAdapter.Write(files, result.GetValue(adapter)!, classes, result.GetValue(seed), initialPath);
                using var admin = AdminClient.Connect(CoordinatorConnection.From(result));
                var backboneRef = await admin.UploadFileAsync(files.WeightsPath, "application/vnd.safetensors", ct);
                var initialRef = await admin.UploadFileAsync(initialPath, "application/vnd.safetensors", ct);
                var info = await admin.CreateFederationAsync(new CreateFederationRequest
                {
                    Name = result.GetValue(name)!, BackboneDigest = backboneRef.Digest, AdapterSpec = result.GetValue(adapter)!,
                    TaskSpec = taskSpec, InitialAdapterDigest = initialRef.Digest,
                }, ct);
                if (result.GetValue(quiet))
                {
                    result.InvocationConfiguration.Output.WriteLine(info.FederationId);
                    return 0;
                }
                AnsiConsole.MarkupLine($"Federation [bold]{info.FederationId}[/]: {info.Trainable.Tensors.Count} trainable tensors, " +
                                       $"{info.Trainable.ParameterCount:N0} parameters; backbone {Format.Bytes(backboneRef.SizeBytes)}. " +
                                       $"Start a run with `fedtransfer run start --federation {info.FederationId}`.");
                return 0;
            }
            finally
            {
                File.Delete(initialPath);
            }
        }, ct));
        return command;
    }

    /// <summary>The class count of a <c>classify:classes=N</c> task spec.</summary>
    /// <remarks>Parsed by the site's own <see cref="TaskSpec"/>, so the CLI accepts exactly what a site will train.</remarks>
    internal static int ClassesOf(string taskSpec)
    {
        try
        {
            return TaskSpec.Parse(taskSpec).Classes;
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"--task: {e.Message}.", e);
        }
    }
}
