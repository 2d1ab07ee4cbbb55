using System.Runtime.InteropServices;

namespace FedTransfer.Cli;

/// <summary>
/// Process environment for libtorch's OpenMP runtime, set before the native library loads (libgomp reads it once, at load).
/// </summary>
internal static class NativeEnvironment
{
    /// <summary>
    /// Makes idle OpenMP threads sleep instead of spinning unless the user chose otherwise. With spinning threads, a
    /// machine whose cores are busy with other work runs a training step about ten times slower at two threads than at
    /// one (measured: 35 vs 440 samples/s); sleeping threads cost little when the cores are free.
    /// </summary>
    public static void Prepare()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            return;
        // .NET keeps its own copy of the environment; only libc's setenv reaches native getenv. Overwrite = 0 keeps a user's value.
        _ = SetEnv("OMP_WAIT_POLICY", "PASSIVE", 0);
    }

    // Plain ASCII names and values, so the default ANSI (UTF-8 on Unix) marshalling is exact.
    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv(string name, string value, int overwrite);
}
