using System.Reflection;

namespace Outage.Tools.Module.Tests;

/// <summary>Where things are: the repository, the built module, the PowerShell reference assemblies.</summary>
internal static class Repo
{
    public static string Root { get; } = Meta("RepoRoot");

    public static string PowerShellStandardDir { get; } = Meta("PowerShellStandardDir");

    /// <summary>The Outage.Tools.dll built next to this test assembly (the project reference copies it here).</summary>
    public static string ModuleAssembly { get; } = Path.Combine(AppContext.BaseDirectory, "Outage.Tools.dll");

    public static string CliAssembly { get; } = Path.Combine(AppContext.BaseDirectory, "outage.dll");

    public static string PathOf(params string[] parts) => Path.Combine(new[] { Root }.Concat(parts).ToArray());

    private static string Meta(string key) =>
        typeof(Repo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == key).Value!;
}
