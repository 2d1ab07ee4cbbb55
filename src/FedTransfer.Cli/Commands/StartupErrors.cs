namespace FedTransfer.Cli.Commands;

/// <summary>
/// One line for what stops a coordinator or site from starting. .NET's JSON settings provider reports a broken file as
/// "Failed to load configuration from file 'X'." and hides where; the line and position live in the innermost exception
/// (FormatException "Could not parse the JSON file." wraps the JsonException that has them).
/// </summary>
internal static class StartupErrors
{
    public static string Describe(Exception e) => e switch
    {
        InvalidDataException { InnerException: { } inner } when e.Message.StartsWith("Failed to load configuration from file", StringComparison.Ordinal) =>
            $"{e.Message.TrimEnd('.')}: {Innermost(inner).Message.TrimEnd('.')}. Fix the file (JSON, comments allowed) or pass another --config.",
        _ => e.Message,
    };

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;
}
