using System;
using System.Text;
using System.Text.RegularExpressions;

namespace Outage.Tools.Core.Operations;

/// <summary>
/// PowerShell wildcard patterns (<c>*</c>, <c>?</c>, <c>[a-z]</c>, backtick escapes), case-insensitive, for
/// filters that behave the same in the module and the CLI.
/// </summary>
public sealed class Wildcard
{
    private readonly Regex _regex;

    public Wildcard(string pattern)
    {
        Pattern = pattern ?? throw new ArgumentNullException(nameof(pattern));
        _regex = new Regex(ToRegex(pattern), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline,
            TimeSpan.FromSeconds(1));
    }

    public string Pattern { get; }

    /// <summary>True when the pattern has a wildcard character, so "no match" is not an error.</summary>
    public bool HasWildcard => ContainsWildcard(Pattern);

    public bool IsMatch(string? value) => value is not null && _regex.IsMatch(value);

    public static bool ContainsWildcard(string pattern)
    {
        for (var i = 0; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case '`':
                    i++;
                    break;
                case '*':
                case '?':
                case '[':
                    return true;
            }
        }

        return false;
    }

    private static string ToRegex(string pattern)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '`' when i + 1 < pattern.Length:
                    sb.Append(Regex.Escape(pattern[++i].ToString()));
                    break;
                case '*':
                    sb.Append(".*");
                    break;
                case '?':
                    sb.Append('.');
                    break;
                case '[':
                    var close = pattern.IndexOf(']', i + 1);
                    if (close < 0)
                    {
                        throw new ArgumentException($"The wildcard pattern '{pattern}' has a '[' without its ']'.", nameof(pattern));
                    }

                    var set = pattern.Substring(i + 1, close - i - 1).Replace("\\", "\\\\").Replace("^", "\\^");
                    sb.Append('[').Append(set).Append(']');
                    i = close;
                    break;
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        return sb.Append('$').ToString();
    }
}
