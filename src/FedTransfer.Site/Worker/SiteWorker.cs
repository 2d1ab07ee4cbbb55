using System.Reflection;
using FedTransfer.Contracts.V1;
using Grpc.Core;
using FedTransfer.Site.Configuration;
using FedTransfer.Site.Egress;
using FedTransfer.Site.Training;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FedTransfer.Site.Worker;

/// <summary>
/// The site's life: join the coordinator, long-poll for instructions and carry them out, until told to stop or shut
/// down. When the coordinator is away the worker waits with exponential backoff and jitter and tries again; when the
/// coordinator forgot the session it joins again. Shutdown cancels the current task, which then sends nothing.
/// </summary>
internal sealed class SiteWorker : BackgroundService
{
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollGrace = TimeSpan.FromSeconds(15);

    private readonly EgressGateway _gateway;
    private readonly SiteTaskRunner _runner;
    private readonly ILocalTrainer _trainer;
    private readonly SiteOptions _options;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger _log;
    private readonly ReconnectBackoff _backoff;

    public SiteWorker(EgressGateway gateway, SiteTaskRunner runner, ILocalTrainer trainer, IOptions<SiteOptions> options,
        IHostApplicationLifetime lifetime, ILogger<SiteWorker> log, Random? jitter = null)
    {
        _gateway = gateway;
        _runner = runner;
        _trainer = trainer;
        _options = options.Value;
        _lifetime = lifetime;
        _log = log;
        _backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(_options.ReconnectInitialDelayMs), TimeSpan.FromMilliseconds(_options.ReconnectMaxDelayMs), jitter);
    }

    /// <summary>Joins attempted so far (for tests and diagnostics).</summary>
    public int JoinAttempts { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        // Let the host finish starting before the data is read.
        await Task.Yield();
        JoinRequest join;
        try
        {
            join = BuildJoinRequest(_trainer.Describe());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            SiteLog.CannotStart(_log, e.Message);
            Environment.ExitCode = 2;
            _lifetime.StopApplication();
            return;
        }
        SiteLog.Starting(_log, join.DisplayName, _options.CoordinatorUrl, join.Device.Device, join.ExampleCounts.Train, join.ExampleCounts.Validation);

        while (!stop.IsCancellationRequested)
        {
            try
            {
                await RunSessionAsync(join, stop).ConfigureAwait(false);
                _lifetime.StopApplication();
                return;
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                // Shutdown: a call cut short surfaces as a cancellation or as a CANCELLED status; neither is an error.
                break;
            }
            catch (Exception e) when (e is TaskDeclineUndeliveredException or EgressRefusedException { LedgerUnavailable: true })
            {
                // Fail closed and keep running: nothing leaves while it cannot be recorded, and the fault may pass (space freed).
                var delay = _backoff.Next();
                SiteLog.SendingPaused(_log, e.Message, delay.TotalMilliseconds, _backoff.Failures);
                try
                {
                    await Task.Delay(delay, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            catch (EgressRefusedException e)
            {
                // The site's own configuration produced a message it may not send: retrying cannot help.
                SiteLog.CannotStart(_log, e.Message);
                Environment.ExitCode = 2;
                _lifetime.StopApplication();
                return;
            }
            catch (Exception e) when (TransientFailure.IsSessionLost(e) && _backoff.Failures == 0 && _gateway.SessionId is not null)
            {
                SiteLog.SessionLost(_log, FailureText.OneLine(e));
                _backoff.Next();
            }
            catch (Exception e) when (e is RpcException || TransientFailure.IsTransient(e) || TransientFailure.IsSessionLost(e))
            {
                var delay = _backoff.Next();
                SiteLog.CoordinatorUnavailable(_log, _options.CoordinatorUrl, FailureText.OneLine(e), delay.TotalMilliseconds, _backoff.Failures);
                try
                {
                    await Task.Delay(delay, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        SiteLog.Stopped(_log);
    }

    private async Task RunSessionAsync(JoinRequest join, CancellationToken stop)
    {
        await JoinAsync(join, stop).ConfigureAwait(false);
        Task Rejoin(CancellationToken ct) => JoinAsync(join, ct);
        while (true)
        {
            var response = await _gateway.PullTaskAsync(
                new PullTaskRequest { SessionId = _gateway.SessionId ?? "", MaxWaitMs = _options.PollMaxWaitMs },
                TimeSpan.FromMilliseconds(_options.PollMaxWaitMs) + PollGrace, stop).ConfigureAwait(false);
            _backoff.Reset();
            switch (response.InstructionCase)
            {
                case PullTaskResponse.InstructionOneofCase.Train:
                    await _runner.RunTrainAsync(response.Train, Rejoin, stop).ConfigureAwait(false);
                    break;
                case PullTaskResponse.InstructionOneofCase.Evaluate:
                    await _runner.RunEvaluateAsync(response.Evaluate, Rejoin, stop).ConfigureAwait(false);
                    break;
                case PullTaskResponse.InstructionOneofCase.Stop:
                    SiteLog.StopInstruction(_log, response.Stop.Reason);
                    return;
                case PullTaskResponse.InstructionOneofCase.Wait:
                    SiteLog.Waiting(_log, response.Wait.Reason, response.Wait.RetryAfterMs);
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Clamp(response.Wait.RetryAfterMs, 0, 60000)), stop).ConfigureAwait(false);
                    break;
                default:
                    // An answer without an instruction (a newer coordinator?): poll again, but not in a tight loop.
                    await Task.Delay(TimeSpan.FromSeconds(1), stop).ConfigureAwait(false);
                    break;
            }
        }
    }

    private async Task JoinAsync(JoinRequest join, CancellationToken ct)
    {
        JoinAttempts++;
        var joined = await _gateway.JoinAsync(join, JoinTimeout, ct).ConfigureAwait(false);
        SiteLog.Joined(_log, joined.SiteId, joined.CoordinatorVersion);
    }

    private JoinRequest BuildJoinRequest(SiteCapabilities caps) => new()
    {
        DisplayName = _options.DisplayName,
        SoftwareVersion = SoftwareVersion,
        Device = new DeviceInfo
        {
            Device = caps.Device, AcceleratorName = caps.AcceleratorName, AcceleratorMemoryBytes = caps.AcceleratorMemoryBytes, CpuCores = caps.CpuCores,
        },
        ExampleCounts = new ExampleCounts { Train = caps.TrainExamples, Validation = caps.ValidationExamples },
    };

    /// <summary>The site software's version as it joins, at most 64 bytes.</summary>
    internal static string SoftwareVersion { get; } = Shorten(
        typeof(SiteWorker).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0");

    private static string Shorten(string version) => (version.Split('+')[0] is { Length: > 0 and <= 64 } v) ? v : "0.0.0";
}
