using System.Reflection;
using Outage.Tools.Core.Serialization;
using System.Runtime.InteropServices;
using System.Xml.Linq;
using Outage.Tools.HelpGen;
using Xunit;

namespace Outage.Tools.Module.Tests;

/// <summary>
/// The module contract, proven without a PowerShell runtime: the compiled Outage.Tools.dll (read as metadata),
/// the manifest, the format file and the MAML help must agree.
/// </summary>
public sealed class ModuleContractTests
{
    private static readonly Lazy<IReadOnlyList<CmdletInfo>> LazyCmdlets =
        new(() => CmdletCatalog.Load(Repo.ModuleAssembly, Repo.PowerShellStandardDir));

    private static IReadOnlyList<CmdletInfo> Cmdlets => LazyCmdlets.Value;

    private static Dictionary<string, object?> Manifest =>
        Psd1.Parse(File.ReadAllText(Repo.PathOf("module", "Outage.Tools.psd1")));

    private static List<string> Strings(object? value) => value switch
    {
        null => new List<string>(),
        string s => new List<string> { s },
        List<object?> list => list.Select(i => (string)i!).ToList(),
        _ => throw new InvalidDataException($"unexpected manifest value {value}"),
    };

    [Fact]
    public void The_module_compiles_cmdlets()
    {
        Assert.NotEmpty(Cmdlets);
        Assert.Contains(Cmdlets, c => c.Name == "Get-MimeRule");
    }

    [Fact]
    public void Every_compiled_cmdlet_is_exported_and_every_export_is_compiled()
    {
        var exported = Strings(Manifest["CmdletsToExport"]);
        var compiled = Cmdlets.Select(c => c.Name).ToList();
        Assert.Empty(compiled.Except(exported, StringComparer.OrdinalIgnoreCase));
        Assert.Empty(exported.Except(compiled, StringComparer.OrdinalIgnoreCase));
        Assert.Equal(exported.Count, exported.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void Manifest_declares_a_binary_module_for_both_editions()
    {
        var m = Manifest;
        Assert.Equal("Outage.Tools.dll", m["RootModule"]);
        Assert.Equal(new[] { "Desktop", "Core" }, Strings(m["CompatiblePSEditions"]));
        Assert.Equal("5.1", m["PowerShellVersion"]);
        Assert.Empty(Strings(m["FunctionsToExport"]));
        Assert.Empty(Strings(m["AliasesToExport"]));
        Assert.Empty(Strings(m["VariablesToExport"]));
        Assert.Contains("Outage.Tools.format.ps1xml", Strings(m["FormatsToProcess"]));
        var psData = (Dictionary<string, object?>)((Dictionary<string, object?>)m["PrivateData"]!)["PSData"]!;
        foreach (var key in new[] { "Tags", "ProjectUri", "LicenseUri", "ReleaseNotes" })
        {
            Assert.True(psData.ContainsKey(key), $"PSData lacks {key}");
        }

        Assert.Contains("PSEdition_Desktop", Strings(psData["Tags"]));
        Assert.Contains("PSEdition_Core", Strings(psData["Tags"]));
    }

    [Fact]
    public void Assembly_version_is_the_manifest_version()
    {
        var manifestVersion = (string)Manifest["ModuleVersion"]!;
        var assemblyVersion = AssemblyName.GetAssemblyName(Repo.ModuleAssembly).Version!;
        Assert.Equal(manifestVersion, $"{assemblyVersion.Major}.{assemblyVersion.Minor}.{assemblyVersion.Build}");
        var coreVersion = AssemblyName.GetAssemblyName(Path.Combine(AppContext.BaseDirectory, "Outage.Tools.Core.dll")).Version!;
        Assert.Equal(assemblyVersion, coreVersion);
    }

    [Fact]
    public void Every_verb_is_approved()
    {
        var approved = ApprovedVerbs();
        Assert.Contains("Get", approved);
        var bad = Cmdlets.Where(c => !approved.Contains(c.Verb)).Select(c => c.Name).ToList();
        Assert.True(bad.Count == 0, "Unapproved verbs: " + string.Join(", ", bad));
    }

    [Fact]
    public void Every_noun_is_singular_and_specific()
    {
        var bad = Cmdlets.Where(c => c.Noun.EndsWith("s", StringComparison.Ordinal) && !c.Noun.EndsWith("ss", StringComparison.Ordinal))
            .Select(c => c.Name).ToList();
        Assert.True(bad.Count == 0, "Plural nouns: " + string.Join(", ", bad));
    }

    [Fact]
    public void Every_cmdlet_declares_its_output_type()
    {
        var bad = Cmdlets.Where(c => c.OutputTypes.Count == 0).Select(c => c.Name).ToList();
        Assert.True(bad.Count == 0, "No [OutputType]: " + string.Join(", ", bad));
    }

    [Fact]
    public void Every_cmdlet_lives_in_its_own_file()
    {
        foreach (var cmdlet in Cmdlets)
        {
            var file = Repo.PathOf("src", "Outage.Tools", "Commands", $"{cmdlet.Verb}{cmdlet.Noun}Command.cs");
            Assert.True(File.Exists(file), $"{cmdlet.Name} should be in {file}");
            Assert.EndsWith($".Commands.{cmdlet.Verb}{cmdlet.Noun}Command", cmdlet.TypeName, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Cmdlets_that_change_state_support_ShouldProcess()
    {
        string[] changing = { "Remove", "Suspend", "Resume", "Set", "Clear", "Stop", "Restart", "New", "Export" };
        foreach (var cmdlet in Cmdlets.Where(c => changing.Contains(c.Verb)))
        {
            Assert.True(cmdlet.SupportsShouldProcess, $"{cmdlet.Name} changes state and must support -WhatIf/-Confirm");
        }

        foreach (var cmdlet in Cmdlets.Where(c => c.Verb == "Remove"))
        {
            Assert.Equal("High", cmdlet.ConfirmImpact);
        }
    }

    [Fact]
    public void Parameter_names_and_aliases_are_unique_per_cmdlet()
    {
        string[] common = { "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ErrorVariable", "WarningVariable",
            "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable", "WhatIf", "Confirm", "vb", "db", "ea", "wa", "infa", "ev",
            "wv", "iv", "ov", "ob", "pv", "wi", "cf" };
        foreach (var cmdlet in Cmdlets)
        {
            var names = cmdlet.Parameters.SelectMany(p => p.Aliases.Prepend(p.Name)).ToList();
            var duplicate = names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.True(duplicate.Count == 0, $"{cmdlet.Name}: duplicate parameter names or aliases: {string.Join(", ", duplicate)}");
            var clash = names.Intersect(common, StringComparer.OrdinalIgnoreCase).ToList();
            Assert.True(clash.Count == 0, $"{cmdlet.Name}: names that clash with common parameters: {string.Join(", ", clash)}");
        }
    }

    [Fact]
    public void Path_parameters_have_the_natural_aliases()
    {
        foreach (var cmdlet in Cmdlets)
        {
            var literal = cmdlet.Parameters.FirstOrDefault(p => p.Name == "LiteralPath");
            var path = cmdlet.Parameters.FirstOrDefault(p => p.Name == "Path");
            if (literal is not null)
            {
                Assert.Contains("PSPath", literal.Aliases);
            }

            if (path is not null && literal is null)
            {
                Assert.Contains("PSPath", path.Aliases);
            }

            if (path is not null)
            {
                Assert.Contains("FullName", path.Aliases);
            }
        }
    }

    [Fact]
    public void Every_output_type_has_a_table_view_and_a_deserialized_view()
    {
        var format = XDocument.Load(Repo.PathOf("module", "Outage.Tools.format.ps1xml"));
        var tableViews = format.Descendants("View")
            .Where(v => v.Element("TableControl") is not null)
            .SelectMany(v => v.Element("ViewSelectedBy")!.Elements("TypeName").Select(t => t.Value.Trim()))
            .ToHashSet(StringComparer.Ordinal);
        var outputTypes = Cmdlets.SelectMany(c => c.OutputTypes)
            .Where(t => !t.StartsWith("System.", StringComparison.Ordinal))
            .Distinct().ToList();
        Assert.NotEmpty(outputTypes);
        foreach (var type in outputTypes)
        {
            Assert.True(tableViews.Contains(type), $"{type} has no table view in Outage.Tools.format.ps1xml");
            Assert.True(tableViews.Contains("Deserialized." + type), $"Deserialized.{type} has no table view");
        }
    }

    [Fact]
    public void Format_views_name_properties_that_exist()
    {
        var format = XDocument.Load(Repo.PathOf("module", "Outage.Tools.format.ps1xml"));
        var core = LoadCoreTypes();
        foreach (var view in format.Descendants("View"))
        {
            var typeName = view.Element("ViewSelectedBy")!.Elements("TypeName").First().Value.Trim();
            if (!core.TryGetValue(typeName, out var properties))
            {
                continue;
            }

            var headers = view.Descendants("TableColumnHeader").Count();
            var items = view.Descendants("TableColumnItem").Count();
            Assert.True(headers == 0 || headers == items, $"{view.Element("Name")!.Value}: {headers} headers but {items} column items");
            foreach (var property in view.Descendants("PropertyName").Select(p => p.Value.Trim()))
            {
                Assert.True(properties.Contains(property) || ExtendedMembers().Contains(property), $"{view.Element("Name")!.Value}: {typeName} has no property {property}");
            }
        }
    }

    [Fact]
    public void Format_views_show_text_through_TerminalText_Escape()
    {
        // Subjects, file names, queue ids, DNS TXT, banners: a text property shown by PropertyName reaches the
        // console with its ESC/BEL/CR raw (title change, screen clear). Views show text as
        // [Outage.Tools.Core.Operations.TerminalText]::Escape($_.Name) instead (issue 14), and name real properties.
        var format = XDocument.Load(Repo.PathOf("module", "Outage.Tools.format.ps1xml"));
        var types = typeof(Core.ErrorIds).Assembly.GetExportedTypes().ToDictionary(t => t.FullName!);
        var escaped = new System.Text.RegularExpressions.Regex(@"TerminalText\]::Escape\(\$_\.(\w+)\)");
        var problems = new List<string>();
        foreach (var view in format.Descendants("View"))
        {
            var typeName = view.Element("ViewSelectedBy")!.Elements("TypeName").First().Value.Trim();
            if (!types.TryGetValue(typeName, out var type))
            {
                continue;
            }

            var name = view.Element("Name")!.Value;
            foreach (var property in view.Descendants("PropertyName").Select(p => p.Value.Trim()))
            {
                var info = type.GetProperty(property);
                if (info is not null && (info.PropertyType == typeof(string) || typeof(IEnumerable<string>).IsAssignableFrom(info.PropertyType)))
                {
                    problems.Add($"{name}: {property} is text shown raw (use a ScriptBlock with TerminalText]::Escape($_.{property}))");
                }
            }

            foreach (var script in view.Descendants("ScriptBlock").Select(s => s.Value))
            {
                foreach (System.Text.RegularExpressions.Match m in escaped.Matches(script))
                {
                    var property = m.Groups[1].Value;
                    if (type.GetProperty(property) is null && !ExtendedMembers().Contains(property))
                    {
                        problems.Add($"{name}: {typeName} has no property {property}");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    private static HashSet<string> ExtendedMembers() =>
        XDocument.Load(Repo.PathOf("module", "Outage.Tools.types.ps1xml")).Descendants("ScriptProperty")
            .Select(p => p.Element("Name")!.Value.Trim()).ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void Every_cmdlet_has_complete_MAML_help()
    {
        var maml = XDocument.Load(Repo.PathOf("module", "en-US", "Outage.Tools.dll-Help.xml"));
        XNamespace command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
        XNamespace mamlNs = "http://schemas.microsoft.com/maml/2004/10";
        foreach (var cmdlet in Cmdlets)
        {
            var entry = maml.Descendants(command + "command")
                .FirstOrDefault(c => c.Element(command + "details")?.Element(command + "name")?.Value == cmdlet.Name);
            Assert.True(entry is not null, $"{cmdlet.Name} has no MAML help");
            var synopsis = entry!.Element(command + "details")!.Element(mamlNs + "description")!.Value;
            Assert.False(string.IsNullOrWhiteSpace(synopsis), $"{cmdlet.Name}: no synopsis");
            Assert.True(entry.Element(command + "examples")!.Elements(command + "example").Count() >= 2, $"{cmdlet.Name}: fewer than two examples");
            var documented = entry.Element(command + "parameters")!.Elements(command + "parameter")
                .ToDictionary(p => p.Element(mamlNs + "name")!.Value, p => p.Element(mamlNs + "description")!.Value.Trim());
            foreach (var parameter in cmdlet.Parameters)
            {
                Assert.True(documented.TryGetValue(parameter.Name, out var text) && text.Length > 0, $"{cmdlet.Name}: -{parameter.Name} has no help");
            }
        }
    }

    [Fact]
    public void Committed_MAML_is_what_the_help_sources_generate()
    {
        var problems = new List<string>();
        var generated = HelpGen.Program.Generate(Repo.Root, Repo.ModuleAssembly, problems);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        var committed = File.ReadAllText(Repo.PathOf("module", "en-US", "Outage.Tools.dll-Help.xml")).Replace("\r\n", "\n");
        Assert.True(committed == generated,
            "module/en-US/Outage.Tools.dll-Help.xml is out of date: run 'dotnet run --project tools/Outage.Tools.HelpGen'.");
    }

    [Fact]
    public void About_topic_exists_and_names_every_cmdlet()
    {
        var about = File.ReadAllText(Repo.PathOf("module", "en-US", "about_Outage.Tools.help.txt"));
        Assert.StartsWith("TOPIC", about.TrimStart(), StringComparison.Ordinal);
        foreach (var cmdlet in Cmdlets)
        {
            Assert.Contains(cmdlet.Name, about, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_cmdlet_has_a_Pester_test_and_a_README_entry()
    {
        var readme = File.ReadAllText(Repo.PathOf("README.md"));
        foreach (var cmdlet in Cmdlets)
        {
            Assert.True(File.Exists(Repo.PathOf("tests", "pester", $"{cmdlet.Name}.Tests.ps1")), $"{cmdlet.Name} has no tests/pester/{cmdlet.Name}.Tests.ps1");
            Assert.Contains(cmdlet.Name, readme, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Error_ids_are_unique()
    {
        var ids = typeof(Core.ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.NotEmpty(ids);
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    /// <summary>The approved verbs of Windows PowerShell 5.1, read from its Verbs* classes.</summary>
    private static HashSet<string> ApprovedVerbs()
    {
        var paths = Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll").Concat(Directory.GetFiles(Repo.PowerShellStandardDir, "*.dll"));
        using var context = new MetadataLoadContext(new PathAssemblyResolver(paths), "System.Runtime");
        var sma = context.LoadFromAssemblyPath(Path.Combine(Repo.PowerShellStandardDir, "System.Management.Automation.dll"));
        return sma.GetExportedTypes().Where(t => t.Namespace == "System.Management.Automation" && t.Name.StartsWith("Verbs", StringComparison.Ordinal))
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToHashSet(StringComparer.Ordinal);
    }

    private static Dictionary<string, HashSet<string>> LoadCoreTypes() =>
        typeof(Core.ErrorIds).Assembly.GetExportedTypes().ToDictionary(t => t.FullName!,
            t => t.GetProperties().Select(p => p.Name).ToHashSet(StringComparer.Ordinal));
}

/// <summary>Source-level rules of the cmdlet layer that metadata cannot show.</summary>
public sealed class CmdletSourceTests
{
    [Fact]
    public void Cmdlets_start_Core_operations_inside_Emit_so_request_errors_keep_their_ids()
    {
        // Emit(Core.Run(...)) would run Core.Run before Emit's handler: an OutageException thrown while checking
        // the request would escape as an unhandled exception instead of a terminating error with its stable id.
        var bad = new List<string>();
        foreach (var file in Directory.GetFiles(Repo.PathOf("src", "Outage.Tools", "Commands"), "*.cs"))
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var m = System.Text.RegularExpressions.Regex.Match(lines[i], @"\bEmit\((?<arg>[^,)]*)");
                if (m.Success && System.Text.RegularExpressions.Regex.IsMatch(m.Groups["arg"].Value, @"^\s*[A-Za-z_][A-Za-z0-9_.]*\s*\(") )
                {
                    bad.Add($"{Path.GetFileName(file)}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }

        Assert.True(bad.Count == 0, "Pass the Core call as a lambda, Emit(() => Core.Run(...)):\n" + string.Join("\n", bad));
    }
}
