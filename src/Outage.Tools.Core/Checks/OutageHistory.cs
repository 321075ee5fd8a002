using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Serialization;

namespace Outage.Tools.Core.Checks;

/// <summary>
/// The run history: a JSON Lines file, one line per result of every run, appended by scheduled runs so each
/// result can say since when its status holds and the report can draw a timeline. Reading keeps only the last
/// entry per check (memory bounded by the number of checks), and skips lines it cannot read.
/// </summary>
public sealed class OutageHistory
{
    public OutageHistory(string path) => Path = path ?? throw new ArgumentNullException(nameof(path));

    public string Path { get; }

    public sealed class Entry
    {
        public Entry(string key, CheckStatus status, DateTimeOffset since) => (Key, Status, Since) = (key, status, since);

        public string Key { get; }

        public CheckStatus Status { get; }

        public DateTimeOffset Since { get; }
    }

    /// <summary>The last status and since-when of every check in the history.</summary>
    public Dictionary<string, Entry> LastStatuses()
    {
        var last = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var result in Read())
        {
            last[result.Key] = new Entry(result.Key, result.Status, result.Since);
        }

        return last;
    }

    /// <summary>Lines the last <see cref="Read"/> skipped because they are not results (or are over <see cref="MaxLineLength"/>).</summary>
    public int SkippedLines { get; private set; }

    /// <summary>The first line the last <see cref="Read"/> skipped and why, e.g. "line 7: the field 'duration' …".</summary>
    public string? FirstSkipped { get; private set; }

    /// <summary>A history line is a few KB; a longer one (a NUL-filled tail after a crash) is skipped without being kept.</summary>
    public const int MaxLineLength = 1 << 20;

    /// <summary>
    /// Every result recorded, oldest first. A line that cannot be read is skipped and counted in
    /// <see cref="SkippedLines"/> (one bad line must not stop monitoring); no line costs more memory than
    /// <see cref="MaxLineLength"/>, and a history that is not a regular file is read at most
    /// <see cref="BoundedLineReader.DefaultMaxNonSeekableChars"/> characters.
    /// </summary>
    public IEnumerable<OutageCheckResult> Read()
    {
        SkippedLines = 0;
        FirstSkipped = null;
        if (!File.Exists(Path))
        {
            yield break;
        }

        using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var reader = BoundedLineReader.For(stream, MaxLineLength);
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            string? problem = null;
            var result = reader.LastLineTooLong ? null : TryParse(line, out problem);
            if (result is not null)
            {
                yield return result;
                continue;
            }

            problem = reader.LastLineTooLong ? $"longer than {MaxLineLength} characters" : problem;
            if (problem is not null || line.Trim('\0').Length > 0)
            {
                SkippedLines++;
                FirstSkipped ??= $"line {reader.LineNumber}: {problem ?? "not a check result"}";
            }
        }
    }

    /// <summary>Appends a run; returns a warning text when the file cannot be written (the run still counts).</summary>
    public string? Append(IEnumerable<OutageCheckResult> results)
    {
        try
        {
            var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path));
            if (!string.IsNullOrEmpty(dir))
            {
                Directory.CreateDirectory(dir);
            }

            var sb = new StringBuilder();
            foreach (var r in results)
            {
                sb.Append(ToJson(r)).Append('\n');
            }

            File.AppendAllText(Path, sb.ToString(), new UTF8Encoding(false));
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"The history file '{Path}' could not be written ({ex.Message}); this run is not recorded.";
        }
    }

    public static string ToJson(OutageCheckResult r) => JsonWriter.Serialize(ToTable(r));

    /// <summary>A result as the named values of its JSON form (history lines, the report's results).</summary>
    public static Dictionary<string, object?> ToTable(OutageCheckResult r) => new()
    {
        ["area"] = r.Area,
        ["target"] = r.Target,
        ["check"] = r.Check,
        ["status"] = r.Status,
        ["summary"] = r.Summary,
        ["detail"] = r.Detail,
        ["evidence"] = r.Evidence,
        ["timestamp"] = r.Timestamp,
        ["since"] = r.Since,
        ["duration"] = r.Duration,
        ["computerName"] = r.ComputerName,
        ["value"] = r.Value,
        ["unit"] = r.Unit,
        ["trend"] = r.Trend.Select(p => new Dictionary<string, object?> { ["time"] = p.Time, ["value"] = p.Value }).ToList(),
    };

    /// <summary>Reads one history line (or one JSON object of the report's JSON), or null when it is not one.</summary>
    public static OutageCheckResult? TryParse(string line) => TryParse(line, out _);

    /// <summary>
    /// The same, with <paramref name="problem"/> saying why a line is not a result (not JSON, not an object, the
    /// field that is missing or wrong); null problem for a blank line.
    /// </summary>
    public static OutageCheckResult? TryParse(string line, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(line))
        {
            return null;
        }

        try
        {
            if (JsonValue.Parse(line) is Dictionary<string, object?> o)
            {
                return OutageCheckResultReader.FromTable(o, out problem);
            }

            problem = "it is not a JSON object";
            return null;
        }
        catch (FormatException ex)
        {
            problem = "it is not JSON: " + ex.Message;
            return null;
        }
    }

    public static OutageCheckResult? FromTable(IDictionary<string, object?> o) => OutageCheckResultReader.FromTable(o);
}
