using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Cli;

/// <summary>Output format of every subcommand.</summary>
public enum OutputFormat
{
    Table,
    Json,
}

/// <summary>A column of a table view: header, width (0 = rest of the line) and how to print a value.</summary>
public sealed record TableColumn<T>(string Header, int Width, Func<T, object?> Value);

/// <summary>
/// The CLI adapter: the counterpart of the module's OutageCmdlet. Streams an operation's outcomes as a table
/// or as JSON Lines (camelCase names of the .NET properties, enums as names), errors and warnings on stderr,
/// and turns the run into an exit code.
/// </summary>
public sealed class CliIO
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = false,
        TypeInfoResolver = JsonTypeInfoResolver.Combine(CliJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };

    public CliIO(TextWriter stdout, TextWriter stderr)
    {
        Out = stdout;
        Err = stderr;
    }

    public TextWriter Out { get; }

    public TextWriter Err { get; }

    /// <summary>
    /// Writes the outcomes and returns the exit code: 2 when the request failed or any item failed,
    /// otherwise 1 when <paramref name="isFinding"/> held for any result, otherwise 0.
    /// </summary>
    public int Write<T>(Func<IEnumerable<Outcome<T>>> run, OutputFormat format, IReadOnlyList<TableColumn<T>> table,
        Func<T, bool>? isFinding = null, CancellationToken cancellationToken = default)
    {
        var failed = false;
        var findings = false;
        var headerWritten = false;
        try
        {
            foreach (var outcome in run())
            {
                cancellationToken.ThrowIfCancellationRequested();
                switch (outcome.Kind)
                {
                    case OutcomeKind.Result:
                        var value = outcome.Value!;
                        findings |= isFinding?.Invoke(value) ?? false;
                        if (format == OutputFormat.Json)
                        {
                            Out.WriteLine(JsonSerializer.Serialize(value, value.GetType(), Json));
                        }
                        else
                        {
                            if (!headerWritten)
                            {
                                WriteRow(table.Select(c => c.Header));
                                WriteRow(table.Select(c => new string('-', c.Width > 0 ? c.Width : c.Header.Length)));
                                headerWritten = true;
                            }

                            WriteRow(table.Select(c => Text(c.Value(value))));
                        }

                        break;
                    case OutcomeKind.Error:
                        failed = true;
                        WriteError(outcome.Error!);
                        break;
                    case OutcomeKind.Warning:
                        Err.WriteLine($"outage: warning: {TerminalText.Escape(outcome.Text)}");
                        break;
                }
            }
        }
        catch (OutageException ex)
        {
            WriteError(ex.Error);
            return ExitCodes.Error;
        }
        catch (OperationCanceledException)
        {
            Err.WriteLine("outage: cancelled.");
            return ExitCodes.Error;
        }

        Out.Flush();
        return failed ? ExitCodes.Error : findings ? ExitCodes.Findings : ExitCodes.Ok;

        void WriteRow(IEnumerable<string> cells)
        {
            // Control characters from file names, listings and DNS never reach the terminal raw.
            var parts = cells.Zip(table, (text, column) => Fit(TerminalText.Escape(text), column.Width)).ToList();
            Out.WriteLine(string.Join(" ", parts).TrimEnd());
        }
    }

    /// <summary>Prints an error as <c>outage: error[Id]: message action</c>.</summary>
    public void WriteError(ItemError error) =>
        Err.WriteLine($"outage: error[{error.ErrorId}]: {TerminalText.Escape(error.FullMessage)}");

    private static string Fit(string text, int width)
    {
        if (width <= 0)
        {
            return text;
        }

        if (text.Length > width)
        {
            return text.Substring(0, Math.Max(0, width - 1)) + "…";
        }

        return text.PadRight(width);
    }

    private static string Text(object? value) => value switch
    {
        null => string.Empty,
        bool b => b ? "True" : "False",
        DateTimeOffset d => d.ToString("yyyy-MM-dd HH:mm:ss zzz", System.Globalization.CultureInfo.InvariantCulture),
        TimeSpan t => t.ToString(@"d\.hh\:mm\:ss", System.Globalization.CultureInfo.InvariantCulture),
        System.Collections.IEnumerable e and not string => string.Join(",", e.Cast<object?>().Select(Text)),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>The --format option every subcommand takes.</summary>
    public static Option<OutputFormat> FormatOption() => new("--format", "-f")
    {
        Description = "Output format: table (for people) or json (JSON Lines, one object per line, for scripts).",
        DefaultValueFactory = _ => OutputFormat.Table,
    };
}
