using System;
using System.CommandLine;
using System.IO;
using System.Linq;

namespace Outage.Tools.Cli;

/// <summary>
/// <c>outage</c>: a thin front end over Outage.Tools.Core. Subcommands mirror the cmdlets. Exit codes:
/// 0 all good, 1 findings or failed checks, 2 usage or runtime error.
/// </summary>
public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs the CLI with the given streams (tests call this in-process as well as the real binary).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = BuildRoot(stdout, stderr);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                stderr.WriteLine($"outage: {error.Message}");
            }

            stderr.WriteLine("Run 'outage --help' (or 'outage <command> --help') for usage.");
            return ExitCodes.Error;
        }

        var config = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
        try
        {
            return parse.Invoke(config);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            stderr.WriteLine($"outage: error[{Core.ErrorIds.InternalError}]: {ex.Message}");
            return ExitCodes.Error;
        }
    }

    public static RootCommand BuildRoot(TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand(
            "Outage.Tools: mail outage diagnostics. MIME malformation checks, mail queue inspection, DNS and endpoint " +
            "probes, and an outage check and report. Every subcommand takes --format table|json (JSON Lines).");
        var io = new CliIO(stdout, stderr);
        // One group per capability; each file owns its group.
        root.Subcommands.Add(MimeCommands.Create(io));
        root.Subcommands.Add(QueueCommands.Create(io));
        root.Subcommands.Add(DnsCommands.Create(io));
        root.Subcommands.Add(ProbeCommands.Create(io));
        foreach (var command in CheckCommands.Create(io))
        {
            root.Subcommands.Add(command);
        }

        return root;
    }
}

/// <summary>The process exit codes, the same for every subcommand.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Findings = 1;
    public const int Error = 2;
}
