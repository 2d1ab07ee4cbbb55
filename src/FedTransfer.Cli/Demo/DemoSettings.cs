namespace FedTransfer.Cli.Demo;

/// <summary>Everything the demo can be told; defaults finish in a few minutes on a 2-core machine.</summary>
internal sealed record DemoSettings
{
    public string WorkDirectory { get; init; } = "data/demo";
    public string BackboneDirectory { get; init; } = "data/backbone";
    public int Sites { get; init; } = 3;
    public int Rounds { get; init; } = 10;
    public double Alpha { get; init; } = 0.5;
    /// <summary>Labelled target-task images shared out among the sites.</summary>
    public int TrainExamples { get; init; } = 1500;
    public int LocalEpochs { get; init; } = 1;
    public int BatchSize { get; init; } = 32;
    public double LearningRate { get; init; } = 3e-3;
    public string AdapterSpec { get; init; } = "lora:r=8,alpha=16,targets=attn.qkv|attn.proj";
    public ulong Seed { get; init; } = 7;
    public bool Baselines { get; init; } = true;
    /// <summary>Seconds the whole federated run may take before the demo gives up.</summary>
    public int TimeoutSeconds { get; init; } = 600;

    public const string TaskSpec = "classify:classes=5";
    public const int Classes = 5;
}
