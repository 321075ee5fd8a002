using System.Reflection;
using System.Runtime.InteropServices;

namespace Outage.Tools.HelpGen;

/// <summary>A parameter of a compiled cmdlet, as PowerShell would bind it.</summary>
public sealed record CmdletParameter(
    string Name,
    string TypeName,
    bool IsSwitch,
    IReadOnlyList<string> Aliases,
    IReadOnlyList<ParameterSetBinding> Sets,
    bool SupportsWildcards = false);

/// <summary>One [Parameter] attribute of a property: its set and how it binds there.</summary>
public sealed record ParameterSetBinding(string SetName, bool Mandatory, int Position, bool ByValue, bool ByPropertyName);

/// <summary>A compiled cmdlet, read from metadata only (the assembly is never executed).</summary>
public sealed record CmdletInfo(
    string TypeName,
    string Verb,
    string Noun,
    bool SupportsShouldProcess,
    string ConfirmImpact,
    string? DefaultParameterSetName,
    IReadOnlyList<string> OutputTypes,
    IReadOnlyList<CmdletParameter> Parameters)
{
    public string Name => $"{Verb}-{Noun}";

    public const string AllSets = "__AllParameterSets";

    /// <summary>The parameter sets, the default first; one set ("__AllParameterSets") when none is named.</summary>
    public IReadOnlyList<string> SetNames()
    {
        var named = Parameters.SelectMany(p => p.Sets).Select(s => s.SetName).Where(s => s != AllSets).Distinct().ToList();
        if (named.Count == 0)
        {
            return new[] { AllSets };
        }

        if (DefaultParameterSetName is not null && named.Remove(DefaultParameterSetName))
        {
            named.Insert(0, DefaultParameterSetName);
        }

        return named;
    }
}

/// <summary>Reads the cmdlets of Outage.Tools.dll with MetadataLoadContext.</summary>
public static class CmdletCatalog
{
    public static IReadOnlyList<CmdletInfo> Load(string assemblyPath, string powerShellStandardDir)
    {
        var paths = new List<string>(Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll"));
        paths.AddRange(Directory.GetFiles(powerShellStandardDir, "*.dll"));
        paths.AddRange(Directory.GetFiles(Path.GetDirectoryName(Path.GetFullPath(assemblyPath))!, "*.dll"));
        using var context = new MetadataLoadContext(new PathAssemblyResolver(paths.Distinct()), "System.Runtime");
        var assembly = context.LoadFromAssemblyPath(Path.GetFullPath(assemblyPath));
        var result = new List<CmdletInfo>();
        foreach (var type in assembly.GetExportedTypes().Where(t => !t.IsAbstract))
        {
            var cmdlet = type.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.FullName == "System.Management.Automation.CmdletAttribute");
            if (cmdlet is null)
            {
                continue;
            }

            var named = cmdlet.NamedArguments.ToDictionary(a => a.MemberName, a => a.TypedValue.Value);
            var outputs = type.GetCustomAttributesData()
                .Where(a => a.AttributeType.FullName == "System.Management.Automation.OutputTypeAttribute")
                .SelectMany(a => a.ConstructorArguments)
                .SelectMany(arg => arg.Value is IReadOnlyCollection<CustomAttributeTypedArgument> list ? list.Select(i => i.Value) : new[] { arg.Value })
                .Select(v => v is Type t ? t.FullName! : v?.ToString() ?? string.Empty)
                .ToList();
            var impact = named.TryGetValue("ConfirmImpact", out var ci) ? ((ci as int?) switch { 0 => "None", 1 => "Low", 2 => "Medium", 3 => "High", _ => "Medium" }) : "Medium";
            result.Add(new CmdletInfo(
                type.FullName!,
                (string)cmdlet.ConstructorArguments[0].Value!,
                (string)cmdlet.ConstructorArguments[1].Value!,
                named.TryGetValue("SupportsShouldProcess", out var sp) && sp is true,
                impact,
                named.TryGetValue("DefaultParameterSetName", out var ds) ? ds as string : null,
                outputs,
                ReadParameters(type)));
        }

        return result.OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static List<CmdletParameter> ReadParameters(Type type)
    {
        var parameters = new List<CmdletParameter>();
        // Derived class first, then its bases; a base marked [ParametersFirstInHelp] (the inputs shared by several
        // cmdlets, such as the MIME cmdlets' -Path/-LiteralPath/-Content/-InputObject) is listed before them.
        var hierarchy = new List<Type>();
        for (var t = type; t is not null; t = t.BaseType)
        {
            hierarchy.Add(t);
        }

        var first = hierarchy.Where(t => t.GetCustomAttributesData().Any(a => a.AttributeType.Name == "ParametersFirstInHelpAttribute")).ToList();
        foreach (var t in first.Concat(hierarchy.Except(first)))
        {
            foreach (var property in t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                var attributes = property.GetCustomAttributesData();
                var sets = attributes.Where(a => a.AttributeType.FullName == "System.Management.Automation.ParameterAttribute")
                    .Select(a =>
                    {
                        var n = a.NamedArguments.ToDictionary(x => x.MemberName, x => x.TypedValue.Value);
                        return new ParameterSetBinding(
                            n.TryGetValue("ParameterSetName", out var s) ? (string)s! : CmdletInfo.AllSets,
                            n.TryGetValue("Mandatory", out var m) && m is true,
                            n.TryGetValue("Position", out var p) ? (int)p! : int.MinValue,
                            n.TryGetValue("ValueFromPipeline", out var v) && v is true,
                            n.TryGetValue("ValueFromPipelineByPropertyName", out var b) && b is true);
                    }).ToList();
                if (sets.Count == 0 || parameters.Any(x => x.Name == property.Name))
                {
                    continue;
                }

                var aliases = attributes.Where(a => a.AttributeType.FullName == "System.Management.Automation.AliasAttribute")
                    .SelectMany(a => a.ConstructorArguments)
                    .SelectMany(arg => arg.Value is IReadOnlyCollection<CustomAttributeTypedArgument> list ? list.Select(i => (string)i.Value!) : new[] { (string)arg.Value! })
                    .ToList();
                var propertyType = property.PropertyType;
                var isSwitch = propertyType.FullName == "System.Management.Automation.SwitchParameter";
                var wildcards = attributes.Any(a => a.AttributeType.FullName == "System.Management.Automation.SupportsWildcardsAttribute");
                parameters.Add(new CmdletParameter(property.Name, FriendlyName(propertyType), isSwitch, aliases, sets, wildcards));
            }
        }

        return parameters;
    }

    /// <summary>Type names as help shows them: String[], Int32, Nullable types by their underlying name.</summary>
    public static string FriendlyName(Type type)
    {
        if (type.IsArray)
        {
            return FriendlyName(type.GetElementType()!) + "[]";
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition().FullName == "System.Nullable`1")
        {
            return FriendlyName(type.GetGenericArguments()[0]);
        }

        if (type.IsGenericType)
        {
            var name = type.Name[..type.Name.IndexOf('`')];
            return $"{name}[{string.Join(",", type.GetGenericArguments().Select(FriendlyName))}]";
        }

        return type.Namespace is "System" or "System.Management.Automation" ? type.Name : type.FullName!;
    }
}
