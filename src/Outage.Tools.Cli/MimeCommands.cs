using System;
using System.CommandLine;
using Outage.Tools.Core.Mime;

namespace Outage.Tools.Cli;

/// <summary><c>outage mime …</c>: the CLI side of Test-MimeMessage, Get-MimeStructure and Get-MimeRule.</summary>
public static class MimeCommands
{
    public static Command Create(CliIO io)
    {
        var mime = new Command("mime", "MIME malformation checks: find poison messages, show part trees, list the rules.");
        mime.Subcommands.Add(Rules(io));
        return mime;
    }

    private static Command Rules(CliIO io)
    {
        var ids = new Argument<string[]>("id")
        {
            Description = "Rule ids or wildcard patterns (default: every rule).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var minimum = new Option<MimeSeverity>("--minimum-severity")
        {
            Description = "Only rules whose default severity is at least this (Info, Warning, Error).",
            DefaultValueFactory = _ => MimeSeverity.Info,
        };
        var format = CliIO.FormatOption();
        var command = new Command("rules", "List the rule catalogue: id, area, default severity, description, reference (like Get-MimeRule).")
        {
            ids, minimum, format,
        };
        command.SetAction(parse =>
        {
            var request = new MimeRuleRequest { MinimumSeverity = parse.GetValue(minimum) };
            foreach (var id in parse.GetValue(ids) ?? Array.Empty<string>())
            {
                request.Ids.Add(id);
            }

            return io.Write(() => MimeRuleQuery.Run(request), parse.GetValue(format), RuleTable);
        });
        return command;
    }

    private static readonly TableColumn<MimeRule>[] RuleTable =
    {
        new("Id", 28, r => r.Id),
        new("Area", 6, r => r.Area),
        new("Severity", 8, r => r.DefaultSeverity),
        new("Reference", 30, r => r.Reference),
        new("Description", 0, r => r.Description),
    };
}
