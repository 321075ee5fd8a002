using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;

namespace Outage.Tools.Cli;

/// <summary>
/// <c>outage</c>: a thin front end over Outage.Tools.Core. Subcommands mirror the cmdlets. Exit codes:
/// 0 all good, 1 findings or failed checks, 2 usage or runtime error.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (!Console.IsOutputRedirected)
        {
            return Run(args, Console.Out, Console.Error);
        }

        // Redirected to a file or a pipe: buffer standard output (as C stdio does) instead of one write(2) per line,
        // which cost about 10 % of a 20,000-file lint (docs/performance.md). A timer flushes what is buffered every
        // 100 ms, so a slow stream (queue watch, a long probe) still shows each line promptly.
        var encoding = Console.OutputEncoding.CodePage == 65001 ? new UTF8Encoding(false) : Console.OutputEncoding;
        using var buffered = new StreamWriter(Console.OpenStandardOutput(), encoding, 64 * 1024) { AutoFlush = false };
        var stdout = TextWriter.Synchronized(buffered);
        var timer = new Timer(_ => FlushQuietly(stdout), null, 100, 100);
        try
        {
            return Run(args, stdout, Console.Error);
        }
        finally
        {
            using (var stopped = new ManualResetEvent(false))
            {
                // Wait for a flush in progress before the writer goes away.
                if (timer.Dispose(stopped))
                {
                    stopped.WaitOne(TimeSpan.FromSeconds(5));
                }
            }

            FlushQuietly(stdout);
        }
    }

    private static void FlushQuietly(TextWriter writer)
    {
        try
        {
            writer.Flush();
        }
        catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException)
        {
            // The reader went away (a closed pipe): nothing more can be shown, and the exit code still tells.
        }
    }

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
        catch (Core.Operations.OutageException ex)
        {
            // A request refused before its stream started (e.g. queue shape's range check) keeps its product id.
            stderr.WriteLine($"outage: error[{ex.Error.ErrorId}]: {ex.Error.Message}");
            return ExitCodes.Error;
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
        root.Subcommands.Add(HealthCommands.Create(io));
        root.Subcommands.Add(LogCommands.Create(io));
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
