using System;
using System.Collections.Generic;
using System.Threading;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Queue;

/// <summary>
/// Parameters of one Postfix instance as Postfix itself resolves them: <c>postconf -c DIR -x NAME...</c>
/// (postconf(1): -x expands $name references), read once per listing.
/// </summary>
internal sealed class PostfixConfig
{
    /// <summary>The parameters the queue reader needs (postconf(5)).</summary>
    internal static readonly string[] Names =
    {
        "queue_directory", "relayhost", "transport_maps", "default_transport", "relay_transport", "local_transport",
        "virtual_transport", "mydestination", "relay_domains", "virtual_alias_domains", "virtual_mailbox_domains",
        "sender_dependent_relayhost_maps", "sender_dependent_default_transport_maps", "parent_domain_matches_subdomains",
    };

    private readonly Dictionary<string, string> _values;

    private PostfixConfig(Dictionary<string, string> values, string? configDirectory)
    {
        _values = values;
        ConfigDirectory = configDirectory;
    }

    public string? ConfigDirectory { get; }

    public string? Get(string name) => _values.TryGetValue(name, out var v) ? v : null;

    public static PostfixConfig FromValues(IDictionary<string, string> values, string? configDirectory = null) =>
        new(new Dictionary<string, string>(values, StringComparer.Ordinal), configDirectory);

    public static PostfixConfig Read(string? configDirectory, CancellationToken ct)
    {
        var args = PostfixQueue.ConfigArgs(configDirectory);
        args.Add("-x");
        args.AddRange(Names);
        var (rc, output, err) = ToolProcess.Run("postconf", args, QueueSource.PostfixHint, TimeSpan.FromMinutes(1), ct);
        if (rc != 0)
        {
            throw new OutageException(ErrorIds.QueueToolFailed, OutageErrorCategory.InvalidResult,
                $"postconf failed (exit {rc}): {err.Trim()}", "postconf",
                "Give the directory of the instance's main.cf with -ConfigDirectory / --config-dir.");
        }

        return new PostfixConfig(Parse(output), configDirectory);
    }

    /// <summary>postconf prints "name = value", one parameter a line.</summary>
    internal static Dictionary<string, string> Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var eq = raw.IndexOf(" =", StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            values[raw.Substring(0, eq).Trim()] = raw.Substring(eq + 2).Trim();
        }

        return values;
    }
}
