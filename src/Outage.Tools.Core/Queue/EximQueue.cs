using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Queue;

/// <summary>A live Exim: exim -bp, -Mvh/-Mvb, -Mf/-Mt/-Mrm (exim(8); spec chapter "The Exim command line").</summary>
public static class EximQueue
{
    internal static string Binary(string? eximPath)
    {
        if (!string.IsNullOrEmpty(eximPath))
        {
            return eximPath!;
        }

        return ToolProcess.Resolve("exim") is not null ? "exim" : "exim4";
    }

    internal static List<string> ConfigArgs(string? config)
    {
        if (string.IsNullOrEmpty(config))
        {
            return new List<string>();
        }

        if (!File.Exists(config))
        {
            throw new OutageException(ErrorIds.PathNotFound, OutageErrorCategory.ObjectNotFound, $"The Exim configuration file '{config}' does not exist.", config,
                "Give the configuration file with -EximConfig / --exim-config.");
        }

        return new List<string> { "-C", config! };
    }

    public static IEnumerable<Outcome<QueueMessage>> List(QueueSourceOptions options, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var args = ConfigArgs(options.EximConfig);
        args.Add("-bpr");
        var tool = Binary(options.EximPath);
        var p = ToolProcess.Start(tool, args, QueueSource.EximHint, options.ToolTimeout, cancellationToken);
        return Stream(p, tool, options, options.ComputerName ?? Environment.MachineName, now, cancellationToken);
    }

    private static IEnumerable<Outcome<QueueMessage>> Stream(ToolProcess p, string tool, QueueSourceOptions options, string computer, DateTimeOffset now, CancellationToken ct)
    {
        var spool = new EximSpool(tool, options.EximConfig);
        Func<QueueMessage, CancellationToken, Stream> open = options.ContentFromTool ? OpenContentWithTool : spool.Open;
        var hops = new EximNextHops(tool, options.EximConfig);
        using (p)
        {
            foreach (var o in EximListingReader.Read(p.OutputText, "exim -bpr", QueueSourceKind.Exim, computer, now, ct, options.MaxPipedChars))
            {
                if (o.Kind == OutcomeKind.Result)
                {
                    o.Value!.InstanceTool = tool;
                    o.Value.InstanceConfig = options.EximConfig;
                    o.Value.ContentOpener = open;
                    o.Value.NextHop = null;
                    foreach (var r in o.Value.Recipients.Where(r => !r.Delivered))
                    {
                        r.NextHop = hops.Of(r.Address, ct);
                        o.Value.NextHop ??= r.NextHop;
                    }
                }

                yield return o;
            }

            var rc = p.WaitForExit();
            ct.ThrowIfCancellationRequested();
            if (rc != 0 || p.TimedOut)
            {
                throw new OutageException(ErrorIds.QueueToolFailed, OutageErrorCategory.InvalidResult,
                    $"{tool} -bpr failed (exit {rc}{(p.TimedOut ? ", timed out" : string.Empty)}): {p.StandardError}", tool, QueueSource.EximHint);
            }
        }
    }

    /// <summary>
    /// -Mvh prints the spool -H file; its header section (exim spec, "Format of spool files") holds each
    /// header as "NNNf text" where NNN counts the header's characters including its newline and f '*' marks
    /// a deleted header. -Mvb prints the -D file, whose first line is "ID-D". Lines get CRLF back.
    /// </summary>
    internal static Stream OpenContentWithTool(QueueMessage m, CancellationToken ct)
    {
        var tool = m.InstanceTool ?? Binary(null);
        var headerFile = Run(tool, m, "-Mvh", ct);
        var body = Run(tool, m, "-Mvb", ct);
        return Assemble(headerFile, body);
    }

    /// <summary>The message from its -H file (or -Mvh output) and its -D file (or -Mvb output).</summary>
    internal static MemoryStream Assemble(byte[] headerFile, byte[] body)
    {
        var sb = new StringBuilder();
        var text = Encoding.GetEncoding(28591).GetString(headerFile);
        var blank = text.IndexOf("\n\n", StringComparison.Ordinal);
        var i = blank < 0 ? text.Length : blank + 2;
        while (i + 4 < text.Length)
        {
            var n = 0;
            var j = i;
            while (j < text.Length && char.IsDigit(text[j]))
            {
                n = (n * 10) + (text[j] - '0');
                j++;
            }

            if (j == i || j + 2 > text.Length)
            {
                break;
            }

            var flag = text[j];
            var start = j + 2;
            if (start + n > text.Length)
            {
                n = text.Length - start;
            }

            if (flag != '*')
            {
                sb.Append(text, start, n);
            }

            i = start + n;
        }

        var headerBytes = Encoding.GetEncoding(28591).GetBytes(sb.ToString());
        var firstNl = Array.IndexOf(body, (byte)'\n');
        var bodyStart = firstNl < 0 ? body.Length : firstNl + 1;
        var all = new byte[headerBytes.Length + 1 + (body.Length - bodyStart)];
        headerBytes.CopyTo(all, 0);
        all[headerBytes.Length] = (byte)'\n';
        Array.Copy(body, bodyStart, all, headerBytes.Length + 1, body.Length - bodyStart);
        return PostfixQueue.ToCrlf(all, all.Length);
    }

    private static byte[] Run(string tool, QueueMessage m, string flag, CancellationToken ct)
    {
        var args = ConfigArgs(m.InstanceConfig);
        args.Add(flag);
        args.Add(m.Id);
        using var p = ToolProcess.Start(tool, args, QueueSource.EximHint, TimeSpan.FromMinutes(2), ct);
        var ms = new MemoryStream();
        p.Output.CopyTo(ms);
        var rc = p.WaitForExit();
        if (rc != 0)
        {
            throw new OutageException(ErrorIds.QueueMessageNotFound, OutageErrorCategory.ObjectNotFound,
                $"The message {m.ContentName} is no longer in the queue or cannot be read: {p.StandardError}", m);
        }

        return ms.ToArray();
    }

    /// <summary>Runs -Mf / -Mt / -Mrm for the named ids; returns the ids Exim confirmed.</summary>
    /// <summary>Runs exim -Mf/-Mt/-Mrm; returns each confirmed id with exim's phrase ("is now frozen", "is already frozen"...).</summary>
    internal static Dictionary<string, string> Act(string? eximPath, string? config, string flag, IReadOnlyList<string> ids, CancellationToken ct)
    {
        var tool = Binary(eximPath);
        var done = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var start = 0; start < ids.Count; start += 200)
        {
            var args = ConfigArgs(config);
            args.Add(flag);
            args.AddRange(ids.Skip(start).Take(200));
            var (_, output, err) = ToolProcess.Run(tool, args, QueueSource.EximHint, TimeSpan.FromMinutes(5), ct);
            // "Message ID is now frozen" / "is no longer frozen" / "has been removed" (exim(8) -Mf, -Mt, -Mrm).
            foreach (Match match in Regex.Matches(output + "\n" + err, @"^Message (\S+) (is now frozen|is no longer frozen|has been removed|is not frozen|is already frozen)", RegexOptions.Multiline))
            {
                done[match.Groups[1].Value] = match.Groups[2].Value;
            }
        }

        return done;
    }
}

/// <summary>
/// The spool of one Exim (exim -bP spool_directory split_spool_directory): content is read from the message's
/// -H and -D files in input/ (or input/X/ with split_spool_directory, X the sixth character of the id; exim spec,
/// "Format of spool files"); a file that cannot be read falls back to exim -Mvh / -Mvb.
/// </summary>
internal sealed class EximSpool
{
    private readonly string _tool;
    private readonly string? _config;
    private readonly Lazy<string?> _spoolDirectory;

    public EximSpool(string tool, string? config, string? spoolDirectory = null)
    {
        _tool = tool;
        _config = config;
        _spoolDirectory = new Lazy<string?>(() => spoolDirectory ?? ReadSpoolDirectory(), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public int DirectReads;

    public int FallbackReads;

    public string? LastFallbackReason;

    private string? ReadSpoolDirectory()
    {
        var args = EximQueue.ConfigArgs(_config);
        args.Add("-bP");
        args.Add("spool_directory");
        var (rc, output, _) = ToolProcess.Run(_tool, args, QueueSource.EximHint, TimeSpan.FromMinutes(1), CancellationToken.None);
        if (rc != 0)
        {
            return null;
        }

        var eq = output.IndexOf('=');
        return eq < 0 ? null : output.Substring(eq + 1).Trim();
    }

    public Stream Open(QueueMessage m, CancellationToken ct)
    {
        var direct = TryReadFiles(m, out var reason);
        if (direct is not null)
        {
            Interlocked.Increment(ref DirectReads);
            return direct;
        }

        Interlocked.Increment(ref FallbackReads);
        LastFallbackReason = reason;
        return EximQueue.OpenContentWithTool(m, ct);
    }

    internal MemoryStream? TryReadFiles(QueueMessage m, out string? reason)
    {
        reason = null;
        string? root;
        try
        {
            root = _spoolDirectory.Value;
        }
        catch (OutageException ex)
        {
            reason = ex.Message;
            return null;
        }

        if (string.IsNullOrEmpty(root) || m.Id.Length < 6 || m.Id.IndexOfAny(new[] { '/', '\\' }) >= 0)
        {
            reason = "no spool_directory or an unusual message id";
            return null;
        }

        foreach (var dir in new[] { Path.Combine(root!, "input"), Path.Combine(root!, "input", m.Id.Substring(5, 1)) })
        {
            try
            {
                var header = File.ReadAllBytes(Path.Combine(dir, m.Id + "-H"));
                var body = File.ReadAllBytes(Path.Combine(dir, m.Id + "-D"));
                // The -H file starts "ID-H" and the -D file "ID-D" (exim spec, "Format of spool files").
                if (!StartsWith(header, m.Id + "-H\n") || !StartsWith(body, m.Id + "-D\n"))
                {
                    reason = "the spool files do not start with their id";
                    return null;
                }

                return EximQueue.Assemble(header, body);
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                continue;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                reason = ex.Message;
                return null;
            }
        }

        reason ??= "no spool files for " + m.Id;
        return null;
    }

    private static bool StartsWith(byte[] b, string prefix)
    {
        if (b.Length < prefix.Length)
        {
            return false;
        }

        for (var i = 0; i < prefix.Length; i++)
        {
            if (b[i] != prefix[i])
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>A folder of .eml files (pickup, replay, badmail, exported messages).</summary>
public static class SpoolQueue
{
    public static IEnumerable<Outcome<QueueMessage>> List(QueueSourceOptions options, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var dir = QueueSource.RequirePath(options);
        if (!Directory.Exists(dir))
        {
            throw new OutageException(ErrorIds.PathNotFound, OutageErrorCategory.ObjectNotFound, $"The spool folder '{dir}' does not exist.", dir, "Check the path.");
        }

        return Enumerate(dir, options.ComputerName ?? Environment.MachineName, now, cancellationToken);
    }

    private static IEnumerable<Outcome<QueueMessage>> Enumerate(string dir, string computer, DateTimeOffset now, CancellationToken ct)
    {
        var queue = new DirectoryInfo(dir).Name;
        foreach (var entry in FileScan.Files(dir, "*.eml", recurse: false, ct))
        {
            ct.ThrowIfCancellationRequested();
            if (entry.Error is not null)
            {
                yield return Outcome<QueueMessage>.Failure(entry.Error);
                continue;
            }

            if (entry.Warning is not null)
            {
                // A FIFO named *.eml would block the listing forever.
                yield return Outcome<QueueMessage>.Warn(entry.Warning);
                continue;
            }

            var path = entry.Path;
            QueueMessage? m = null;
            string? problem = null;
            try
            {
                m = Read(path, queue, computer, now);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                problem = ex.Message;
            }

            if (m is null)
            {
                yield return Outcome<QueueMessage>.Failure(new ItemError(ErrorIds.QueueSpoolFileUnreadable, OutageErrorCategory.ReadError,
                    $"The spool file '{path}' cannot be read: {problem}", path, "Check the permissions; the other files were read."));
                continue;
            }

            yield return Outcome<QueueMessage>.Success(m);
        }
    }

    /// <summary>Reads the header section (RFC 5322 section 2.2, unfolding per 2.2.3) for From, To, Cc, Subject, Message-ID.</summary>
    internal static QueueMessage Read(string path, string queue, string computer, DateTimeOffset now)
    {
        var info = new FileInfo(path);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var recipients = new List<QueueRecipient>();
        using (var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        using (var r = new StreamReader(s, Encoding.GetEncoding(28591)))
        {
            string? name = null;
            var value = new StringBuilder();
            string? line;
            var lines = 0;
            // A header line over 1 Mi characters (a 300 MB "line") is skipped, not kept: memory stays bounded.
            var bounded = new BoundedLineReader(r, 1 << 20);
            while ((line = bounded.ReadLine()) is not null && lines++ < 10000)
            {
                if (bounded.LastLineTooLong)
                {
                    continue;
                }

                if (line.Length == 0)
                {
                    break;
                }

                if ((line[0] == ' ' || line[0] == '\t') && name is not null)
                {
                    value.Append(' ').Append(line.Trim());
                    continue;
                }

                Flush(name, value, headers, recipients);
                var colon = line.IndexOf(':');
                name = colon > 0 ? line.Substring(0, colon).Trim() : null;
                value.Clear();
                if (colon > 0)
                {
                    value.Append(line.Substring(colon + 1).Trim());
                }
            }

            Flush(name, value, headers, recipients);
        }

        var arrival = new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero);
        var m = new QueueMessage
        {
            Source = QueueSourceKind.Spool,
            ComputerName = computer,
            Id = System.IO.Path.GetFileName(path),
            Queue = queue,
            State = "Spooled",
            Sender = headers.TryGetValue("Return-Path", out var rp) ? Addresses(rp).FirstOrDefault() ?? string.Empty
                : headers.TryGetValue("From", out var f) ? Addresses(f).FirstOrDefault() ?? string.Empty : string.Empty,
            Recipients = recipients,
            Size = info.Length,
            ArrivalTime = arrival,
            Age = now - arrival,
            Subject = headers.TryGetValue("Subject", out var subj) ? subj : null,
            InternetMessageId = headers.TryGetValue("Message-ID", out var mid) ? mid : null,
            Path = System.IO.Path.GetFullPath(path),
            ContentOpener = (msg, _) => QueueSource.OpenFile(msg.Path!),
        };
        m.NextHop = recipients.Select(x => x.Domain).FirstOrDefault(d => d.Length > 0);
        return m;
    }

    private static void Flush(string? name, StringBuilder value, Dictionary<string, string> headers, List<QueueRecipient> recipients)
    {
        if (name is null)
        {
            return;
        }

        var v = value.ToString();
        if (!headers.ContainsKey(name))
        {
            headers[name] = v;
        }

        if (name.Equals("To", StringComparison.OrdinalIgnoreCase) || name.Equals("Cc", StringComparison.OrdinalIgnoreCase)
            || name.Equals("X-Receiver", StringComparison.OrdinalIgnoreCase))
        {
            recipients.AddRange(Addresses(v).Select(a => new QueueRecipient(a)));
        }
    }

    private static readonly Regex AddressPattern = new(@"[^\s<>,;:""()]+@[^\s<>,;:""()]+", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    private static IEnumerable<string> Addresses(string value) => AddressPattern.Matches(value).Cast<Match>().Select(x => x.Value);
}
