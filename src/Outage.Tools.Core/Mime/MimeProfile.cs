using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Mime;

/// <summary>
/// Which rules make a message poison (<see cref="MimeVerdict"/>). Admins differ (an Exchange shop holds what a
/// Postfix relay passes), so a profile moves rules between the classes of <see cref="MimeImpact"/>; every rule
/// not named keeps its catalogue impact. <see cref="Calibrated"/> (the default) is the catalogue as calibrated
/// on real mail; <see cref="Strict"/> makes every rule whose default severity is Error poison (the linter's
/// behaviour before the verdict existed). A profile file has one <c>rule = Poison|Conditional|Nonconforming</c>
/// line per rule (wildcards allowed, later lines win), <c>#</c> comments, and optionally <c>base = Strict</c>.
/// </summary>
public sealed class MimeProfile
{
    private readonly Dictionary<string, MimeImpact> _impacts;

    private MimeProfile(string name, Dictionary<string, MimeImpact> impacts)
    {
        Name = name;
        _impacts = impacts;
    }

    /// <summary>The profile's name (a built-in name or the file it was read from).</summary>
    public string Name { get; }

    /// <summary>The default: every rule with its catalogue impact.</summary>
    public static MimeProfile Calibrated { get; } = new("Calibrated", new Dictionary<string, MimeImpact>(StringComparer.OrdinalIgnoreCase));

    /// <summary>Every rule whose default severity is Error is poison; the others keep their catalogue impact.</summary>
    public static MimeProfile Strict { get; } = new("Strict", MimeRuleCatalog.All.Where(r => r.DefaultSeverity == MimeSeverity.Error)
        .ToDictionary(r => r.Id, _ => MimeImpact.Poison, StringComparer.OrdinalIgnoreCase));

    /// <summary>The names of the built-in profiles.</summary>
    public static IReadOnlyList<string> BuiltIn { get; } = new[] { "Calibrated", "Strict" };

    /// <summary>The impact of a rule in this profile.</summary>
    public MimeImpact ImpactOf(string rule) =>
        _impacts.TryGetValue(rule, out var impact) ? impact : MimeRuleCatalog.Find(rule)?.Impact ?? MimeImpact.Nonconforming;

    /// <summary>Whether a finding of <paramref name="rule"/> is poison, given whether the rule's condition holds for it.</summary>
    public bool IsPoison(string rule, bool condition) => ImpactOf(rule) switch
    {
        MimeImpact.Poison => true,
        MimeImpact.Conditional => condition,
        _ => false,
    };

    /// <summary>A built-in profile by name (case-insensitive), else the profile file at that path.</summary>
    public static MimeProfile Load(string nameOrPath)
    {
        if (string.IsNullOrWhiteSpace(nameOrPath))
        {
            throw Invalid(nameOrPath ?? string.Empty, "The profile name is empty.");
        }

        if (nameOrPath.Equals("Calibrated", StringComparison.OrdinalIgnoreCase) || nameOrPath.Equals("Default", StringComparison.OrdinalIgnoreCase))
        {
            return Calibrated;
        }

        if (nameOrPath.Equals("Strict", StringComparison.OrdinalIgnoreCase))
        {
            return Strict;
        }

        string text;
        try
        {
            text = File.ReadAllText(nameOrPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw Invalid(nameOrPath, $"'{nameOrPath}' is not a built-in profile ({string.Join(", ", BuiltIn)}) and cannot be read as a profile file: {ex.Message}");
        }

        return Parse(nameOrPath, text);
    }

    /// <summary>Reads a profile file's text (see the class summary for the format).</summary>
    public static MimeProfile Parse(string name, string text)
    {
        if (text is null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        var impacts = new Dictionary<string, MimeImpact>(StringComparer.OrdinalIgnoreCase);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var hash = line.IndexOf('#');
            if (hash >= 0)
            {
                line = line.Substring(0, hash);
            }

            line = line.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var eq = line.IndexOf('=');
            if (eq <= 0)
            {
                throw Invalid(name, $"Line {i + 1} of the profile '{name}' is not 'rule = Poison|Conditional|Nonconforming': \"{line}\".");
            }

            var key = line.Substring(0, eq).Trim();
            var value = line.Substring(eq + 1).Trim();
            if (key.Equals("base", StringComparison.OrdinalIgnoreCase))
            {
                var based = value.Equals("Strict", StringComparison.OrdinalIgnoreCase) ? Strict
                    : value.Equals("Calibrated", StringComparison.OrdinalIgnoreCase) ? Calibrated
                    : throw Invalid(name, $"Line {i + 1} of the profile '{name}': the base '{value}' is not one of {string.Join(", ", BuiltIn)}.");
                foreach (var kv in based._impacts)
                {
                    impacts[kv.Key] = kv.Value;
                }

                continue;
            }

            if (!Enum.TryParse<MimeImpact>(value, true, out var impact) || !Enum.IsDefined(typeof(MimeImpact), impact) || char.IsDigit(value[0]))
            {
                throw Invalid(name, $"Line {i + 1} of the profile '{name}': '{value}' is not Poison, Conditional or Nonconforming.");
            }

            var pattern = new Wildcard(key);
            var matched = MimeRuleCatalog.All.Where(r => pattern.IsMatch(r.Id)).ToList();
            if (matched.Count == 0)
            {
                throw Invalid(name, $"Line {i + 1} of the profile '{name}': '{key}' names no MIME rule (Get-MimeRule lists them).");
            }

            foreach (var r in matched)
            {
                impacts[r.Id] = impact;
            }
        }

        return new MimeProfile(name, impacts);
    }

    private static OutageException Invalid(string target, string message) =>
        new(ErrorIds.MimeProfileInvalid, OutageErrorCategory.InvalidArgument, message, target,
            "Give Calibrated or Strict, or a file of 'rule = Poison|Conditional|Nonconforming' lines.");

    public override string ToString() => Name;
}
