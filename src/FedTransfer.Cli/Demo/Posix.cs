using System.Runtime.InteropServices;

namespace FedTransfer.Cli.Demo;

/// <summary>SIGTERM for child processes: .NET's Process.Kill only sends SIGKILL, which skips graceful host shutdown.</summary>
internal static partial class Posix
{
    public const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);
}
