using System.Text;

namespace Outage.Tools.HelpGen;

/// <summary>An example: title, code, remarks.</summary>
public sealed record HelpExample(string Title, string Code, string Remarks);

/// <summary>A typed input or output and what it means.</summary>
public sealed record HelpTypeNote(string TypeName, string Description);

/// <summary>
/// The help of one cmdlet as written in <c>docs/cmdlets/Verb-Noun.md</c>, in the platyPS layout:
/// <c># Name</c>, then <c>## SYNOPSIS</c>, <c>## DESCRIPTION</c>, <c>## EXAMPLES</c> (<c>### Example N: title</c>, a
/// fenced code block, remarks), <c>## PARAMETERS</c> (<c>### -Name</c> and its description), <c>## INPUTS</c>,
/// <c>## OUTPUTS</c> (<c>### Type</c> and text), <c>## NOTES</c>, <c>## RELATED LINKS</c> (one link per line).
/// Parameter types, positions and pipeline binding are not written here: they come from the compiled cmdlet.
/// </summary>
public sealed class HelpSource
{
    public string Name { get; private set; } = string.Empty;
    public string Synopsis { get; private set; } = string.Empty;
    public string Description { get; private set; } = string.Empty;
    public List<HelpExample> Examples { get; } = new();
    public Dictionary<string, string> Parameters { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A parameter's default as its section states it on a line of its own: <c>Default value: 1 minute</c>.</summary>
    public Dictionary<string, string> Defaults { get; } = new(StringComparer.OrdinalIgnoreCase);
    public List<HelpTypeNote> Inputs { get; } = new();
    public List<HelpTypeNote> Outputs { get; } = new();
    public string Notes { get; private set; } = string.Empty;
    public List<(string Text, string Uri)> Links { get; } = new();

    private const string DefaultPrefix = "Default value:";

    public static HelpSource Parse(string markdown)
    {
        var help = new HelpSource();
        var lines = markdown.Replace("\r\n", "\n").Split('\n');
        var i = 0;
        if (lines.Length > 0 && lines[0].Trim() == "---")
        {
            // Skip the platyPS front matter.
            i = 1;
            while (i < lines.Length && lines[i].Trim() != "---")
            {
                i++;
            }

            i++;
        }

        string section = string.Empty;
        string? sub = null;
        var buffer = new StringBuilder();

        void Flush()
        {
            var text = buffer.ToString().Trim();
            buffer.Clear();
            switch (section)
            {
                case "SYNOPSIS": help.Synopsis = text; break;
                case "DESCRIPTION": help.Description = text; break;
                case "NOTES": help.Notes = text; break;
                case "PARAMETERS" when sub is not null:
                    var kept = new List<string>();
                    foreach (var l in text.Split('\n'))
                    {
                        if (l.StartsWith(DefaultPrefix, StringComparison.OrdinalIgnoreCase))
                        {
                            help.Defaults[sub.TrimStart('-')] = l[DefaultPrefix.Length..].Trim();
                        }
                        else
                        {
                            kept.Add(l);
                        }
                    }

                    help.Parameters[sub.TrimStart('-')] = string.Join("\n", kept).Trim();
                    break;
                case "INPUTS" when sub is not null: help.Inputs.Add(new HelpTypeNote(sub, text)); break;
                case "OUTPUTS" when sub is not null: help.Outputs.Add(new HelpTypeNote(sub, text)); break;
                case "EXAMPLES" when sub is not null: help.Examples.Add(SplitExample(sub, text)); break;
                case "RELATED LINKS":
                    foreach (var line in text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0))
                    {
                        help.Links.Add(ParseLink(line));
                    }

                    break;
            }
        }

        var inFence = false;
        for (; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
                buffer.AppendLine(line);
                continue;
            }

            if (!inFence && line.StartsWith("# ", StringComparison.Ordinal) && help.Name.Length == 0)
            {
                help.Name = line[2..].Trim();
            }
            else if (!inFence && line.StartsWith("## ", StringComparison.Ordinal))
            {
                Flush();
                section = line[3..].Trim().ToUpperInvariant();
                sub = null;
            }
            else if (!inFence && line.StartsWith("### ", StringComparison.Ordinal))
            {
                Flush();
                sub = line[4..].Trim();
            }
            else
            {
                buffer.AppendLine(line);
            }
        }

        Flush();
        return help;
    }

    private static HelpExample SplitExample(string title, string body)
    {
        var code = new StringBuilder();
        var remarks = new StringBuilder();
        var inFence = false;
        var fenceDone = false;
        foreach (var line in body.Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal) && !fenceDone)
            {
                if (inFence)
                {
                    fenceDone = true;
                }

                inFence = !inFence;
                continue;
            }

            (inFence ? code : remarks).AppendLine(line.TrimEnd('\r'));
        }

        return new HelpExample(title, code.ToString().TrimEnd(), remarks.ToString().Trim());
    }

    private static (string, string) ParseLink(string line)
    {
        // [text](uri) or plain text
        var trimmed = line.TrimStart('-', '*', ' ');
        if (trimmed.StartsWith('[') && trimmed.Contains("](", StringComparison.Ordinal) && trimmed.EndsWith(')'))
        {
            var mid = trimmed.IndexOf("](", StringComparison.Ordinal);
            return (trimmed[1..mid], trimmed[(mid + 2)..^1]);
        }

        return (trimmed, string.Empty);
    }
}
