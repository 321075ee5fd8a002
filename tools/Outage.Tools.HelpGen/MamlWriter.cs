using System.Xml.Linq;

namespace Outage.Tools.HelpGen;

/// <summary>Writes PowerShell MAML help (the format Get-Help reads from Outage.Tools.dll-Help.xml).</summary>
public static class MamlWriter
{
    private static readonly XNamespace Msh = "http://msh";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    /// <summary>Builds the help document; <paramref name="problems"/> lists what the sources lack.</summary>
    public static XDocument Build(IReadOnlyList<CmdletInfo> cmdlets, IReadOnlyDictionary<string, HelpSource> sources, List<string> problems)
    {
        var root = new XElement(Msh + "helpItems", new XAttribute("schema", "maml"),
            new XAttribute(XNamespace.Xmlns + "maml", Maml), new XAttribute(XNamespace.Xmlns + "command", Command),
            new XAttribute(XNamespace.Xmlns + "dev", Dev));
        foreach (var cmdlet in cmdlets)
        {
            if (!sources.TryGetValue(cmdlet.Name, out var help))
            {
                problems.Add($"{cmdlet.Name}: no help source docs/cmdlets/{cmdlet.Name}.md.");
                continue;
            }

            Check(cmdlet, help, problems);
            root.Add(CommandElement(cmdlet, help));
        }

        foreach (var name in sources.Keys.Where(n => cmdlets.All(c => !c.Name.Equals(n, StringComparison.OrdinalIgnoreCase))))
        {
            problems.Add($"{name}: docs/cmdlets/{name}.md describes a cmdlet that is not compiled.");
        }

        return new XDocument(new XDeclaration("1.0", "utf-8", null), root);
    }

    private static void Check(CmdletInfo cmdlet, HelpSource help, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(help.Synopsis))
        {
            problems.Add($"{cmdlet.Name}: no SYNOPSIS.");
        }

        if (string.IsNullOrWhiteSpace(help.Description))
        {
            problems.Add($"{cmdlet.Name}: no DESCRIPTION.");
        }

        if (help.Examples.Count < 2 || help.Examples.Any(e => e.Code.Length == 0))
        {
            problems.Add($"{cmdlet.Name}: needs at least two examples, each with code.");
        }

        foreach (var p in cmdlet.Parameters.Where(p => !help.Parameters.TryGetValue(p.Name, out var d) || string.IsNullOrWhiteSpace(d)))
        {
            problems.Add($"{cmdlet.Name}: parameter -{p.Name} has no help.");
        }

        foreach (var name in help.Parameters.Keys.Where(n => cmdlet.Parameters.All(p => !p.Name.Equals(n, StringComparison.OrdinalIgnoreCase))))
        {
            problems.Add($"{cmdlet.Name}: help describes -{name}, which the cmdlet does not have.");
        }
    }

    private static IEnumerable<XElement> Paras(string text) =>
        text.Replace("\r\n", "\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(p => new XElement(Maml + "para", string.Join(" ", p.Split('\n').Select(l => l.Trim())).Trim()))
            .DefaultIfEmpty(new XElement(Maml + "para"));

    private static XElement CommandElement(CmdletInfo cmdlet, HelpSource help)
    {
        var parameters = cmdlet.Parameters.Select(p => new { Info = p, Text = help.Parameters.GetValueOrDefault(p.Name, string.Empty) }).ToList();
        var sets = cmdlet.SetNames();
        return new XElement(Command + "command",
            new XElement(Command + "details",
                new XElement(Command + "name", cmdlet.Name),
                new XElement(Command + "verb", cmdlet.Verb),
                new XElement(Command + "noun", cmdlet.Noun),
                new XElement(Maml + "description", Paras(help.Synopsis))),
            new XElement(Maml + "description", Paras(help.Description)),
            new XElement(Command + "syntax",
                sets.Select(set => new XElement(Command + "syntaxItem",
                    new XElement(Maml + "name", cmdlet.Name),
                    parameters
                        .Select(p => new { p.Info, p.Text, Binding = p.Info.Sets.FirstOrDefault(s => s.SetName == set) ?? p.Info.Sets.FirstOrDefault(s => s.SetName == CmdletInfo.AllSets) })
                        .Where(p => p.Binding is not null)
                        .OrderBy(p => p.Binding!.Position < 0 ? int.MaxValue : p.Binding.Position)
                        .Select(p => ParameterElement(p.Info, p.Binding!, p.Text, help.Defaults.GetValueOrDefault(p.Info.Name)))))),
            new XElement(Command + "parameters",
                parameters.Select(p => ParameterElement(p.Info, p.Info.Sets[0], p.Text, help.Defaults.GetValueOrDefault(p.Info.Name)))),
            new XElement(Command + "inputTypes",
                help.Inputs.Select(i => new XElement(Command + "inputType",
                    new XElement(Dev + "type", new XElement(Maml + "name", i.TypeName)),
                    new XElement(Maml + "description", Paras(i.Description))))),
            new XElement(Command + "returnValues",
                (help.Outputs.Count > 0 ? help.Outputs : cmdlet.OutputTypes.Select(t => new HelpTypeNote(t, string.Empty)).ToList())
                .Select(o => new XElement(Command + "returnValue",
                    new XElement(Dev + "type", new XElement(Maml + "name", o.TypeName)),
                    new XElement(Maml + "description", Paras(o.Description))))),
            new XElement(Maml + "alertSet", new XElement(Maml + "alert", Paras(help.Notes))),
            new XElement(Command + "examples",
                help.Examples.Select(e => new XElement(Command + "example",
                    new XElement(Maml + "title", $"-------------------------- {e.Title} --------------------------"),
                    new XElement(Dev + "code", e.Code),
                    new XElement(Dev + "remarks", Paras(e.Remarks))))),
            new XElement(Command + "relatedLinks",
                help.Links.Select(l => new XElement(Maml + "navigationLink",
                    new XElement(Maml + "linkText", l.Text), new XElement(Maml + "uri", l.Uri)))));
    }

    private static XElement ParameterElement(CmdletParameter p, ParameterSetBinding binding, string text, string? defaultValue)
    {
        var pipeline = (binding.ByValue, binding.ByPropertyName) switch
        {
            (true, true) => "True (ByPropertyName, ByValue)",
            (true, false) => "True (ByValue)",
            (false, true) => "True (ByPropertyName)",
            _ => "False",
        };
        var element = new XElement(Command + "parameter",
            new XAttribute("required", binding.Mandatory ? "true" : "false"),
            new XAttribute("variableLength", p.TypeName.EndsWith("[]", StringComparison.Ordinal) ? "true" : "false"),
            new XAttribute("globbing", p.SupportsWildcards ? "true" : "false"),
            new XAttribute("pipelineInput", pipeline),
            new XAttribute("position", binding.Position >= 0 ? binding.Position.ToString() : "named"),
            new XAttribute("aliases", p.Aliases.Count > 0 ? string.Join(", ", p.Aliases) : "none"),
            new XElement(Maml + "name", p.Name),
            new XElement(Maml + "description", Paras(text)));
        if (!p.IsSwitch)
        {
            element.Add(new XElement(Command + "parameterValue", new XAttribute("required", "true"),
                new XAttribute("variableLength", "false"), p.TypeName));
        }

        element.Add(new XElement(Dev + "type", new XElement(Maml + "name", p.TypeName), new XElement(Maml + "uri")));
        element.Add(new XElement(Dev + "defaultValue", defaultValue ?? (p.IsSwitch ? "False" : "None")));
        return element;
    }
}
