using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FedTransfer.Torch.Native;

/// <summary>
/// Finds libfedtorch.so without environment variables: beside the application, beside this assembly, or in
/// the repository's artifacts/native folder found by walking up from the assembly (a build tree or test run).
/// FEDTRANSFER_NATIVE_LIB, when set, names the file explicitly (a site that built against a CUDA libtorch).
/// </summary>
internal static class NativeLibraryLoader
{
    internal const string FileName = "libfedtorch.so";
    private static readonly object Gate = new();
    private static IntPtr s_handle;

#pragma warning disable CA2255 // The resolver must be registered before the first P/Invoke, whichever type makes it.
    [ModuleInitializer]
    internal static void Register() =>
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraryLoader).Assembly, Resolve);
#pragma warning restore CA2255

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != NativeMethods.LibraryName)
        {
            return IntPtr.Zero;
        }

        lock (Gate)
        {
            if (s_handle != IntPtr.Zero)
            {
                return s_handle;
            }

            var candidates = Candidates(assembly).Distinct(StringComparer.Ordinal).ToList();
            var path = candidates.FirstOrDefault(File.Exists)
                ?? throw new DllNotFoundException(
                    $"{FileName} not found (looked in: {string.Join(", ", candidates)}). " +
                    "Run ./build.sh setup in the repository root to build the native library.");
            try
            {
                s_handle = NativeLibrary.Load(path);
            }
            catch (DllNotFoundException e)
            {
                throw new DllNotFoundException(
                    $"{path} exists but could not be loaded ({e.Message}). Is libtorch installed " +
                    "(apt-get install libtorch-dev) and was the library built against it? Run ./build.sh setup.", e);
            }

            return s_handle;
        }
    }

    internal static IEnumerable<string> Candidates(Assembly assembly)
    {
        var explicitPath = Environment.GetEnvironmentVariable("FEDTRANSFER_NATIVE_LIB");
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            yield return explicitPath;
        }

        yield return Path.Combine(AppContext.BaseDirectory, FileName);
        var assemblyDir = Path.GetDirectoryName(assembly.Location);
        if (string.IsNullOrEmpty(assemblyDir))
        {
            yield break;
        }

        yield return Path.Combine(assemblyDir, FileName);
        for (var dir = new DirectoryInfo(assemblyDir); dir is not null; dir = dir.Parent)
        {
            yield return Path.Combine(dir.FullName, "artifacts", "native", FileName);
        }
    }
}
