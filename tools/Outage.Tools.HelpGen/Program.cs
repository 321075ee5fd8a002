using System.Reflection;
using System.Text;
using System.Xml;

namespace Outage.Tools.HelpGen;

/// <summary>
/// <c>dotnet run --project tools/Outage.Tools.HelpGen [-- --check] [--configuration Release]</c>: writes
/// module/en-US/Outage.Tools.dll-Help.xml from docs/cmdlets/*.md and the built Outage.Tools.dll. With --check
/// it writes nothing and fails when the committed file is out of date or a cmdlet's help is incomplete.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var check = args.Contains("--check");
        var configuration = ArgAfter(args, "--configuration") ?? "Debug";
        var repo = ArgAfter(args, "--repo") ?? Meta("RepoRoot");
        var assembly = ArgAfter(args, "--assembly") ?? Path.Combine(repo, "src", "Outage.Tools", "bin", configuration, "netstandard2.0", "Outage.Tools.dll");
        if (!File.Exists(assembly))
        {
            Console.Error.WriteLine($"helpgen: {assembly} does not exist. Build src/Outage.Tools first (dotnet build -c {configuration}).");
            return 2;
        }

        var problems = new List<string>();
        var xml = Generate(repo, assembly, problems);
        var target = Path.Combine(repo, "module", "en-US", "Outage.Tools.dll-Help.xml");
        foreach (var problem in problems)
        {
            Console.Error.WriteLine($"helpgen: {problem}");
        }

        if (check)
        {
            var current = File.Exists(target) ? File.ReadAllText(target) : string.Empty;
            if (current != xml)
            {
                Console.Error.WriteLine($"helpgen: {target} is out of date. Run: dotnet run --project tools/Outage.Tools.HelpGen");
                return 1;
            }

            return problems.Count == 0 ? 0 : 1;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.WriteAllText(target, xml, new UTF8Encoding(false));
        Console.WriteLine($"helpgen: wrote {target}");
        return problems.Count == 0 ? 0 : 1;
    }

    /// <summary>The MAML text for the repository's help sources and the given compiled module.</summary>
    public static string Generate(string repo, string assemblyPath, List<string> problems)
    {
        var cmdlets = CmdletCatalog.Load(assemblyPath, Meta("PowerShellStandardDir"));
        var sources = Directory.GetFiles(Path.Combine(repo, "docs", "cmdlets"), "*.md")
            .Select(f => HelpSource.Parse(File.ReadAllText(f)))
            .ToDictionary(h => h.Name, StringComparer.OrdinalIgnoreCase);
        var doc = MamlWriter.Build(cmdlets, sources, problems);
        var settings = new XmlWriterSettings { Indent = true, IndentChars = "  ", Encoding = new UTF8Encoding(false), NewLineChars = "\n" };
        var sb = new StringBuilder();
        using (var writer = XmlWriter.Create(new StringWriterUtf8(sb), settings))
        {
            doc.Save(writer);
        }

        return sb.ToString().Replace("\r\n", "\n") + "\n";
    }

    public static string Meta(string key) =>
        typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == key).Value!;

    private static string? ArgAfter(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private sealed class StringWriterUtf8(StringBuilder sb) : StringWriter(sb)
    {
        public override Encoding Encoding => Encoding.UTF8;
    }
}
