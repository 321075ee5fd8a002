using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Serialization;

namespace Outage.Tools.Core.Checks;

/// <summary>Where a queue's data comes from, for the queue checks.</summary>
public sealed class QueueSourceSpec
{
    /// <summary>postqueue-json, postfix, exim-bp, exim, spool, exchange-csv, exchange-clixml.</summary>
    public string Kind { get; set; } = "postqueue-json";

    /// <summary>A file, a wildcard of files (several snapshots, oldest first by name), or a folder.</summary>
    public string? Path { get; set; }

    /// <summary>Postfix configuration directory (postfix kind) or exim configuration file (exim kind).</summary>
    public string? ConfigDirectory { get; set; }

    /// <summary>A display name; defaults to the kind and path.</summary>
    public string? Name { get; set; }

    public string DisplayName => Name ?? ((Path ?? ConfigDirectory) is null ? Kind : $"{Kind}:{Path ?? ConfigDirectory}");
}

/// <summary>
/// What Invoke-OutageCheck and <c>outage check</c> look at: domains, endpoints, SMTP hosts, queues, message
/// folders, DNS servers and thresholds. Read from a .psd1 or .json file, or built from parameters. Relative
/// paths in a file are relative to the file's folder.
/// </summary>
public sealed class OutageCheckConfiguration
{
    public List<string> Domains { get; } = new();
    public List<string> DnsServers { get; } = new();
    public List<string> OwaUris { get; } = new();
    public List<string> ActiveSyncUris { get; } = new();
    public List<string> EwsUris { get; } = new();
    public List<string> AutodiscoverAddresses { get; } = new();
    public List<string> SmtpHosts { get; } = new();
    public List<QueueSourceSpec> Queues { get; } = new();
    public List<string> MessagePaths { get; } = new();

    /// <summary>Mail logs for the deferral-rate and delivery-delay checks.</summary>
    public List<LogSourceSpec> Logs { get; } = new();
    public OutageThresholds Thresholds { get; } = new();

    /// <summary>JSON Lines file that every run appends to (null: no history).</summary>
    public string? HistoryPath { get; set; }

    /// <summary>Trust this root certificate file for endpoint checks (private PKI).</summary>
    public string? TrustedRootCertificate { get; set; }

    /// <summary>Microsoft 365 service health to watch (null: none); see <see cref="Microsoft365CheckSpec"/>.</summary>
    public Microsoft365CheckSpec? Microsoft365 { get; set; }

    public static readonly string[] Keys =
    {
        "Domains", "DnsServers", "OwaUris", "ActiveSyncUris", "EwsUris", "AutodiscoverAddresses", "SmtpHosts", "Queues",
        "MessagePaths", "Thresholds", "HistoryPath", "TrustedRootCertificate", "Microsoft365", "Logs",
    };

    /// <summary>Reads a configuration file (.psd1 or .json).</summary>
    /// <exception cref="OutageException">The file is missing or not a valid configuration; the message says where.</exception>
    public static OutageCheckConfiguration Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new OutageException(ErrorIds.CheckConfigurationNotFound, OutageErrorCategory.ObjectNotFound,
                $"The configuration file '{path}' does not exist.", path, "Give the path of a .psd1 or .json configuration (see samples/outage-check.psd1).");
        }

        var full = System.IO.Path.GetFullPath(path);
        try
        {
            var text = File.ReadAllText(full);
            var tree = full.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
                ? JsonValue.Parse(text) as Dictionary<string, object?> ?? throw new FormatException("the file is not a JSON object")
                : Psd1.Parse(text);
            return FromTable(tree, System.IO.Path.GetDirectoryName(full)!);
        }
        catch (FormatException ex)
        {
            throw new OutageException(ErrorIds.CheckConfigurationInvalid, OutageErrorCategory.InvalidData,
                $"The configuration file '{path}' is not valid: {ex.Message}", path,
                "Fix the file; samples/outage-check.psd1 shows every key.", ex);
        }
        catch (IOException ex)
        {
            throw new OutageException(ErrorIds.CheckConfigurationNotFound, OutageErrorCategory.ReadError,
                $"The configuration file '{path}' cannot be read: {ex.Message}", path, null, ex);
        }
    }

    /// <summary>Builds a configuration from a parsed table; <paramref name="baseDirectory"/> anchors relative paths.</summary>
    public static OutageCheckConfiguration FromTable(IDictionary<string, object?> table, string baseDirectory)
    {
        var config = new OutageCheckConfiguration();
        foreach (var key in table.Keys)
        {
            if (!Keys.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                throw new FormatException($"unknown key '{key}' (known keys: {string.Join(", ", Keys)})");
            }
        }

        config.Domains.AddRange(Strings(table, "Domains"));
        config.DnsServers.AddRange(Strings(table, "DnsServers"));
        config.OwaUris.AddRange(Strings(table, "OwaUris"));
        config.ActiveSyncUris.AddRange(Strings(table, "ActiveSyncUris"));
        config.EwsUris.AddRange(Strings(table, "EwsUris"));
        config.AutodiscoverAddresses.AddRange(Strings(table, "AutodiscoverAddresses"));
        config.SmtpHosts.AddRange(Strings(table, "SmtpHosts"));
        config.MessagePaths.AddRange(Strings(table, "MessagePaths").Select(p => Anchor(p, baseDirectory)));
        if (Text(table, "HistoryPath") is string history)
        {
            config.HistoryPath = Anchor(history, baseDirectory);
        }

        if (Text(table, "TrustedRootCertificate") is string root)
        {
            config.TrustedRootCertificate = Anchor(root, baseDirectory);
        }

        switch (Get(table, "Thresholds"))
        {
            case null:
                break;
            case IDictionary<string, object?> thresholds:
                config.Thresholds.Apply(thresholds);
                break;
            case var other:
                throw new FormatException($"Thresholds must be a table such as @{{ QueueWarn = 200 }}, not '{other}'");
        }

        if (Get(table, "Microsoft365") is { } m365)
        {
            config.Microsoft365 = m365 is IDictionary<string, object?> m
                ? Microsoft365CheckSpec.FromTable(m, p => Anchor(p, baseDirectory))
                : throw new FormatException("Microsoft365 must be a table such as @{ ManagedIdentity = $true; Services = 'Exchange Online' }");
        }

        foreach (var item in Items(Get(table, "Logs")))
        {
            var log = item is IDictionary<string, object?> l
                ? LogSourceSpec.FromTable(l, p => Anchor(p, baseDirectory))
                : throw new FormatException("each entry of Logs must be a table such as @{ Path = '/var/log/mail.log'; Window = '1h' }");
            log.Limits(config.Thresholds); // Warn beyond Fail, with the entry's own or the configuration's thresholds
            config.Logs.Add(log);
        }

        foreach (var item in Items(Get(table, "Queues")))
        {
            if (item is not IDictionary<string, object?> q)
            {
                throw new FormatException("each entry of Queues must be a table such as @{ Kind = 'postqueue-json'; Path = 'queue.jsonl' }");
            }

            foreach (var key in q.Keys)
            {
                if (!QueueKeys.Contains(key, StringComparer.OrdinalIgnoreCase))
                {
                    throw new FormatException($"unknown key '{key}' in an entry of Queues (known keys: {string.Join(", ", QueueKeys)})");
                }
            }

            var spec = new QueueSourceSpec
            {
                Kind = (Text(q, "Kind", "Queues") ?? "postqueue-json").ToLowerInvariant(),
                Path = Text(q, "Path", "Queues") is string p ? Anchor(p, baseDirectory) : null,
                ConfigDirectory = Text(q, "ConfigDirectory", "Queues"),
                Name = Text(q, "Name", "Queues"),
            };
            config.Queues.Add(spec);
        }

        return config;
    }

    /// <summary>True when there is nothing to check.</summary>
    public bool IsEmpty => Domains.Count + OwaUris.Count + ActiveSyncUris.Count + EwsUris.Count + AutodiscoverAddresses.Count +
        SmtpHosts.Count + Queues.Count + MessagePaths.Count + Logs.Count == 0 && Microsoft365 is null;

    /// <summary>The keys of an entry of Queues.</summary>
    public static readonly string[] QueueKeys = { "Kind", "Path", "ConfigDirectory", "Name" };

    /// <summary>A key whose value must be text: absent is null, any other type is an error naming the key.</summary>
    private static string? Text(IDictionary<string, object?> table, string key, string? within = null) => Get(table, key) switch
    {
        null => null,
        string s => s,
        var other => throw new FormatException($"{(within is null ? string.Empty : within + ": ")}{key} must be text, not '{other}' ({other.GetType().Name})"),
    };

    private static object? Get(IDictionary<string, object?> table, string key) =>
        table.TryGetValue(key, out var v) ? v : table.FirstOrDefault(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase)).Value;

    private static IEnumerable<object?> Items(object? value) => value switch
    {
        null => Enumerable.Empty<object?>(),
        List<object?> list => list,
        _ => new[] { value },
    };

    private static IEnumerable<string> Strings(IDictionary<string, object?> table, string key) =>
        Items(Get(table, key)).Select(v => v as string ?? throw new FormatException($"{key} must hold strings"));

    /// <summary>A path relative to the configuration file's folder; a path no file system accepts (NUL, ...) is a FormatException naming it.</summary>
    private static string Anchor(string path, string baseDirectory)
    {
        if (path.IndexOf('\0') >= 0)
        {
            throw new FormatException($"the path '{path.Replace("\0", "\\0")}' contains a NUL character");
        }

        try
        {
            return System.IO.Path.IsPathRooted(path) ? path : System.IO.Path.GetFullPath(System.IO.Path.Combine(baseDirectory, path));
        }
        catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is System.IO.PathTooLongException)
        {
            throw new FormatException($"the path '{path}' is not a valid path: {ex.Message}", ex);
        }
    }
}
