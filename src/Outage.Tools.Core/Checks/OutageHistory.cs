using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
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

    /// <summary>Every result recorded, oldest first (lines that cannot be read are skipped).</summary>
    public IEnumerable<OutageCheckResult> Read()
    {
        if (!File.Exists(Path))
        {
            yield break;
        }

        using var reader = new StreamReader(Path, Encoding.UTF8);
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            var result = TryParse(line);
            if (result is not null)
            {
                yield return result;
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
    public static OutageCheckResult? TryParse(string line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return null;
        }

        try
        {
            return JsonValue.Parse(line) is Dictionary<string, object?> o ? FromTable(o) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static OutageCheckResult? FromTable(IDictionary<string, object?> o) => OutageCheckResultReader.FromTable(o);
}
