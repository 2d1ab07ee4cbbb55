using Spectre.Console;

namespace FedTransfer.Cli.Commands;

/// <summary>
/// Runs a command body and turns failures into one red line and a non-zero exit code, so bad input never ends in a stack
/// trace; cancellation (Ctrl+C) is reported as such, not as an error.
/// </summary>
internal static class CommandRunner
{
    /// <summary>Exit code for a run stopped by Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int CancelledExitCode = 130;

    public static Task<int> RunAsync(Func<CancellationToken, int> body, CancellationToken cancellationToken) =>
        // Training is CPU-bound and synchronous; a worker thread keeps Ctrl+C handling responsive.
        Task.Run(() => Run(body, cancellationToken), CancellationToken.None);

    /// <summary>The same for bodies that talk to the network and await.</summary>
    public static async Task<int> RunAsync(Func<CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            return await body(cancellationToken);
        }
        catch (Exception e)
        {
            return Report(e, cancellationToken);
        }
    }

    public static int Run(Func<CancellationToken, int> body, CancellationToken cancellationToken)
    {
        try
        {
            return body(cancellationToken);
        }
        catch (Exception e)
        {
            return Report(e, cancellationToken);
        }
    }

    private static int Report(Exception e, CancellationToken cancellationToken)
    {
        if (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            AnsiConsole.MarkupLine("[yellow]cancelled[/]; nothing was written for the unfinished run");
            return CancelledExitCode;
        }
        AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(Describe(e))}");
        return 1;
    }

    private static string Describe(Exception e) => e switch
    {
        Grpc.Core.RpcException rpc => $"the coordinator answered {rpc.StatusCode}: {rpc.Status.Detail}",
        FileNotFoundException or DirectoryNotFoundException or FormatException or ArgumentException or InvalidOperationException or IOException or TimeoutException
            or UnauthorizedAccessException => e.Message,
        _ when e.GetType().Namespace?.StartsWith("FedTransfer", StringComparison.Ordinal) == true => e.Message,
        _ => $"{e.GetType().Name}: {e.Message}",
    };
}
