using System.Diagnostics;
using System.Security.Cryptography;

namespace FedTransfer.Models.Tests;

/// <summary>build/glibcxx-compat.sh, run on a fresh copy of TorchSharp's native library from the NuGet cache.</summary>
public sealed class GlibcxxCompatTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fedtransfer-glibcxx-");

    public void Dispose() => _dir.Delete(recursive: true);

    [GlibcxxCompatFact]
    public void Script_PatchesOnceSaysSoInOneLine_ThenDoesNothing_AndLeavesTheCacheAlone()
    {
        var cached = GlibcxxCompatFactAttribute.CachedLibrary!;
        var cacheHash = Hash(cached);
        var lib = Path.Combine(_dir.FullName, "libLibTorchSharp.so");
        File.Copy(cached, lib);

        var first = Run(_dir.FullName);
        var second = Run(_dir.FullName);

        Assert.Equal(0, first.ExitCode);
        Assert.StartsWith("glibcxx-compat: patched", first.Output.Trim());
        Assert.DoesNotContain('\n', first.Output.Trim());
        Assert.Equal((0, ""), (second.ExitCode, second.Output.Trim()));
        Assert.True(File.Exists(Path.Combine(_dir.FullName, "libfedtransfer_glibcxx_compat.so")));
        Assert.Matches("Name: GLIBCXX_3\\.4\\.32 +Flags: WEAK", Readelf("-V", lib));
        Assert.Equal(cacheHash, Hash(cached));
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    private static (int ExitCode, string Output) Run(string dir) => Exec(GlibcxxCompatFactAttribute.Script, dir);

    private static string Readelf(string flag, string path) => Exec("readelf", flag, "-W", path).Output;

    private static (int ExitCode, string Output) Exec(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), $"{file} did not finish within 60 s");
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}

/// <summary>Runs only where the step applies: a libstdc++ without GLIBCXX_3.4.32 (Debian 12) and TorchSharp in the NuGet cache.</summary>
public sealed class GlibcxxCompatFactAttribute : FactAttribute
{
    public static string Script => Path.Combine(RepoRoot(), "build", "glibcxx-compat.sh");

    public static string? CachedLibrary
    {
        get
        {
            var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            var path = Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
            return File.Exists(path) ? path : null;
        }
    }

    public GlibcxxCompatFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
            Skip = "the libstdc++ compatibility step is for Linux";
        else if (SystemHasGlibcxx3432())
            Skip = "this system's libstdc++ has GLIBCXX_3.4.32 (Debian 13, Ubuntu 24.04): the compatibility step does nothing here";
        else if (CachedLibrary is null)
            Skip = "TorchSharp 0.107.0 is not in the NuGet cache (restore first)";
    }

    // The script's own test, so the tests and build.sh can never disagree on whether the step applies.
    private static bool SystemHasGlibcxx3432()
    {
        using var process = Process.Start(new ProcessStartInfo(Script, "--needed") { RedirectStandardOutput = true, RedirectStandardError = true })!;
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
            throw new TimeoutException($"{Script} --needed did not finish within 30 s");
        return process.ExitCode != 0;
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FedTransfer.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"no FedTransfer.sln above {AppContext.BaseDirectory}");
    }
}
