using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Queue;

/// <summary>Which queue to read, and how. One of the source kinds; the options that go with it.</summary>
public sealed class QueueSourceOptions
{
    public QueueSourceKind Kind { get; set; } = QueueSourceKind.Postfix;

    /// <summary>Postfix: the configuration directory (postqueue -c); null for the default instance.</summary>
    public string? ConfigDirectory { get; set; }

    /// <summary>The file (postqueue -j, exim -bp, Export-Csv, Export-Clixml) or folder (spool).</summary>
    public string? Path { get; set; }

    /// <summary>Exim: the binary (default exim, then exim4).</summary>
    public string? EximPath { get; set; }

    /// <summary>Exim: the configuration file (exim -C).</summary>
    public string? EximConfig { get; set; }

    /// <summary>Exchange files: true for Export-Clixml, false for Export-Csv.</summary>
    public bool Clixml { get; set; }

    /// <summary>The host name the results carry; default: this machine (live) or "" for files.</summary>
    public string? ComputerName { get; set; }

    /// <summary>Time limit for each external tool run.</summary>
    public TimeSpan ToolTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The reference time for ages; default now.</summary>
    public DateTimeOffset? Now { get; set; }

    /// <summary>
    /// How much of a listing is read when it comes through a pipe (the live postqueue -j / exim -bpr output, or a FIFO
    /// such as /dev/stdin given as the path): <see cref="QueueSource.MaxPipedListingChars"/>. A saved file is read whole.
    /// </summary>
    internal long MaxPipedChars { get; set; } = QueueSource.MaxPipedListingChars;

    /// <summary>
    /// Live queues: read content with postcat / exim -Mvh -Mvb for every message instead of from the queue
    /// files (the files are read by default; the tools remain the fallback for a file that cannot be read).
    /// </summary>
    public bool ContentFromTool { get; set; }
}

/// <summary>Reads queue messages from any source, streaming.</summary>
public static class QueueSource
{
    internal const string PostfixHint = "Install Postfix (apt-get install postfix), or give its configuration directory with -ConfigDirectory / --config-dir.";
    /// <summary>
    /// What is read of a postqueue -j or exim -bp listing that comes through a pipe or FIFO, which has no length to stop
    /// at: 1 Gi characters, about 2.5 million postqueue -j messages or 10 million exim -bp entries. Lines are capped
    /// too (<see cref="PostqueueJsonReader.MaxLineLength"/>, <see cref="EximListingReader.MaxLineLength"/>); past this
    /// total the rest is not read and a LimitsExceeded error names the source. A saved regular file has no such cap.
    /// </summary>
    public const long MaxPipedListingChars = 1L << 30;

    internal const string EximHint = "Install Exim, or give the binary with -EximPath / --exim-path (and -EximConfig / --exim-config for a private configuration).";

    public static IEnumerable<Outcome<QueueMessage>> ReadMessages(QueueSourceOptions options, CancellationToken cancellationToken = default)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        var now = options.Now ?? DateTimeOffset.UtcNow;
        switch (options.Kind)
        {
            case QueueSourceKind.Postfix:
                return PostfixQueue.List(options, now, cancellationToken);
            case QueueSourceKind.PostqueueJson:
                return FromFile(options, path => ReadListing(path, options, r => PostqueueJsonReader.Read(r, path, QueueSourceKind.PostqueueJson, options.ComputerName ?? string.Empty, now, cancellationToken, PipedCap(r, options))));
            case QueueSourceKind.Exim:
                return EximQueue.List(options, now, cancellationToken);
            case QueueSourceKind.EximListing:
                return FromFile(options, path => ReadListing(path, options, r => EximListingReader.Read(r, path, QueueSourceKind.EximListing, options.ComputerName ?? string.Empty, now, cancellationToken, PipedCap(r, options))));
            case QueueSourceKind.Exchange:
                return FromFile(options, path => ExchangeMessages(options, path, now, cancellationToken));
            case QueueSourceKind.Spool:
                return SpoolQueue.List(options, now, cancellationToken);
            default:
                throw new ArgumentOutOfRangeException(nameof(options));
        }
    }

    /// <summary>Exchange Get-Queue objects from a file, as summaries.</summary>
    public static IEnumerable<Outcome<MailQueueSummary>> ReadExchangeQueues(QueueSourceOptions options, CancellationToken cancellationToken = default)
    {
        foreach (var bag in ReadBags(options, RequirePath(options), cancellationToken))
        {
            if (bag.Kind != OutcomeKind.Result)
            {
                yield return Outcome<MailQueueSummary>.Failure(bag.Error!);
                continue;
            }

            yield return Outcome<MailQueueSummary>.Success(ExchangeInput.ToSummary(bag.Value!, options.ComputerName ?? string.Empty));
        }
    }

    /// <summary>True when an Exchange file holds Get-Queue objects rather than Get-Message ones.</summary>
    public static bool IsExchangeQueueFile(QueueSourceOptions options, CancellationToken cancellationToken = default)
    {
        foreach (var bag in ReadBags(options, RequirePath(options), cancellationToken))
        {
            if (bag.Kind == OutcomeKind.Result)
            {
                return !ExchangeInput.IsMessage(bag.Value!);
            }
        }

        return false;
    }

    private static IEnumerable<Outcome<QueueMessage>> ExchangeMessages(QueueSourceOptions options, string path, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var bag in ReadBags(options, path, ct))
        {
            if (bag.Kind != OutcomeKind.Result)
            {
                yield return Outcome<QueueMessage>.Failure(bag.Error!);
                continue;
            }

            yield return Outcome<QueueMessage>.Success(ExchangeInput.ToMessage(bag.Value!, options.ComputerName ?? string.Empty, now));
        }
    }

    private static IEnumerable<Outcome<IReadOnlyDictionary<string, object?>>> ReadBags(QueueSourceOptions options, string path, CancellationToken ct)
    {
        if (options.Clixml || path.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".clixml", StringComparison.OrdinalIgnoreCase))
        {
            using var s = OpenFile(path);
            foreach (var o in ExchangeInput.ReadClixml(s, path, ct))
            {
                yield return o;
            }
        }
        else
        {
            using var r = OpenText(path);
            foreach (var o in ExchangeInput.ReadCsv(r, path, ct))
            {
                yield return o;
            }
        }
    }

    private static IEnumerable<Outcome<QueueMessage>> FromFile(QueueSourceOptions options, Func<string, IEnumerable<Outcome<QueueMessage>>> read)
    {
        var path = RequirePath(options);
        // Opened once here so a missing or unreadable file fails at the call, not at the first item. Not a FIFO: it
        // pairs each open with its writer, so an open to check and a second to read would lose what the writer wrote
        // in between (and its writer may stop at the first close); a FIFO is opened once, by the reader.
        if (FileScan.IsRegularFile(path, out var kind) || kind != FileScan.FifoKind)
        {
            OpenFile(path).Dispose();
        }

        return read(path);
    }

    internal static string RequirePath(QueueSourceOptions options)
    {
        if (string.IsNullOrEmpty(options.Path))
        {
            throw new OutageException(ErrorIds.InvalidArgument, OutageErrorCategory.InvalidArgument,
                $"The {QueueText.SourceName(options.Kind)} source needs a file or folder path.", null, "Give the path of the saved listing or folder.");
        }

        return options.Path!;
    }

    internal static Stream OpenFile(string path)
    {
        if (!FileScan.IsRegularFile(path, out var kind) && kind.EndsWith("device", StringComparison.Ordinal))
        {
            // /dev/zero as a saved listing would be read forever; a FIFO named on purpose (/dev/stdin) is read.
            throw new OutageException(ErrorIds.PathNotReadable, OutageErrorCategory.InvalidArgument, $"'{path}' is {kind}, not a queue file.", path,
                "Give a saved listing, or pipe it in through /dev/stdin.");
        }

        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 65536, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException)
        {
            throw new OutageException(ErrorIds.PathNotFound, OutageErrorCategory.ObjectNotFound, $"The file '{path}' does not exist.", path,
                "Check the path.", ex);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException || ex is IOException)
        {
            throw new OutageException(ErrorIds.PathNotReadable, OutageErrorCategory.PermissionDenied, $"The file '{path}' cannot be read: {ex.Message}", path,
                "Check the permissions.", ex);
        }
    }

    private static IEnumerable<Outcome<QueueMessage>> ReadListing(string path, QueueSourceOptions options, Func<TextReader, IEnumerable<Outcome<QueueMessage>>> read)
    {
        using var reader = OpenText(path);
        foreach (var o in read(reader))
        {
            yield return o;
        }
    }

    /// <summary>The total to read from <paramref name="reader"/>: none for a regular (seekable) file, <see cref="QueueSourceOptions.MaxPipedChars"/> for a pipe.</summary>
    internal static long PipedCap(TextReader reader, QueueSourceOptions options) =>
        reader is StreamReader s && s.BaseStream.CanSeek ? long.MaxValue : options.MaxPipedChars;

    internal static TextReader OpenText(string path) => new StreamReader(OpenFile(path), new UTF8Encoding(false), true, 65536);
}

/// <summary>A live Postfix instance: postqueue -j, postcat -bh -q, postsuper (postqueue(1), postcat(1), postsuper(1)).</summary>
public static class PostfixQueue
{
    internal static List<string> ConfigArgs(string? configDirectory) =>
        string.IsNullOrEmpty(configDirectory) ? new List<string>() : new List<string> { "-c", configDirectory! };

    internal static void CheckConfig(string? configDirectory)
    {
        if (!string.IsNullOrEmpty(configDirectory) && !File.Exists(System.IO.Path.Combine(configDirectory!, "main.cf")))
        {
            throw new OutageException(ErrorIds.PathNotFound, OutageErrorCategory.ObjectNotFound,
                $"The Postfix configuration directory '{configDirectory}' does not exist or has no main.cf.", configDirectory,
                "Give the directory that holds main.cf with -ConfigDirectory / --config-dir (postconf config_directory shows it).");
        }
    }

    public static IEnumerable<Outcome<QueueMessage>> List(QueueSourceOptions options, DateTimeOffset now, CancellationToken cancellationToken)
    {
        CheckConfig(options.ConfigDirectory);
        var computer = options.ComputerName ?? Environment.MachineName;
        var args = ConfigArgs(options.ConfigDirectory);
        args.Add("-j");
        var p = ToolProcess.Start("postqueue", args, QueueSource.PostfixHint, options.ToolTimeout, cancellationToken);
        return Stream(p, options, computer, now, cancellationToken);
    }

    /// <summary>The queues showq reports (postqueue -p / -j), in its order (showq.c).</summary>
    internal static readonly string[] ListedQueues = { "maildrop", "incoming", "active", "deferred", "hold" };

    /// <summary>
    /// The queued messages of a live Postfix for reading their content only (the lint of a live queue): the queue
    /// files of the queues showq reports, listed straight from the queue directory as qshape does, so each file is
    /// read once — postqueue -j would have showq open and read every file before the lint reads it again, which at
    /// 100,000 messages is most of the time (docs/performance.md). Each message has its id, queue and content; the
    /// envelope is not parsed. When the queue directory cannot be read (not root), postqueue -j lists as usual.
    /// </summary>
    internal static IEnumerable<Outcome<QueueMessage>> ListForContent(QueueSourceOptions options, CancellationToken cancellationToken)
    {
        CheckConfig(options.ConfigDirectory);
        if (!options.ContentFromTool)
        {
            string? root = null;
            try
            {
                root = PostfixConfig.Read(options.ConfigDirectory, cancellationToken).Get("queue_directory");
            }
            catch (OutageException)
            {
                // postconf failed: postqueue -j below says why.
            }

            if (!string.IsNullOrEmpty(root) && CanList(root!))
            {
                return FromQueueDirectory(options, root!, cancellationToken);
            }
        }

        return List(options, options.Now ?? DateTimeOffset.UtcNow, cancellationToken);
    }

    private static bool CanList(string root)
    {
        foreach (var q in ListedQueues)
        {
            var dir = System.IO.Path.Combine(root, q);
            try
            {
                using var e = Directory.EnumerateFileSystemEntries(dir).GetEnumerator();
                e.MoveNext();
            }
            catch (DirectoryNotFoundException)
            {
                // A queue that does not exist holds no message.
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }

        return true;
    }

    private static IEnumerable<Outcome<QueueMessage>> FromQueueDirectory(QueueSourceOptions options, string root, CancellationToken ct)
    {
        var spool = new PostfixSpool(options.ConfigDirectory, root);
        var computer = options.ComputerName ?? Environment.MachineName;
        foreach (var q in ListedQueues)
        {
            ct.ThrowIfCancellationRequested();
            List<string> files;
            string? problem = null;
            try
            {
                // hash_queue_depth subfolders (deferred/A/ID) included; a queue file's name is its queue id.
                files = Directory.EnumerateFiles(System.IO.Path.Combine(root, q), "*", SearchOption.AllDirectories).ToList();
            }
            catch (DirectoryNotFoundException)
            {
                continue;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                files = new List<string>();
                problem = $"The Postfix queue folder {System.IO.Path.Combine(root, q)} could not be listed: {ex.Message}";
            }

            if (problem is not null)
            {
                yield return Outcome<QueueMessage>.Warn(problem);
            }

            foreach (var file in files)
            {
                var path = file;
                yield return Outcome<QueueMessage>.Success(new QueueMessage
                {
                    Source = QueueSourceKind.Postfix,
                    ComputerName = computer,
                    Id = System.IO.Path.GetFileName(path),
                    Queue = q,
                    State = q,
                    InstanceConfig = options.ConfigDirectory,
                    ContentOpener = (m, token) => spool.Open(m, token, path),
                });
            }
        }
    }

    private static IEnumerable<Outcome<QueueMessage>> Stream(ToolProcess p, QueueSourceOptions options, string computer, DateTimeOffset now, CancellationToken ct)
    {
        // One spool per listing: the queue directory is asked once and its files indexed once, on first content read.
        var spool = new PostfixSpool(options.ConfigDirectory);
        Func<QueueMessage, CancellationToken, Stream> open = options.ContentFromTool ? OpenContentWithPostcat : spool.Open;
        PostfixNextHops? hops = null;
        using (p)
        {
            foreach (var o in PostqueueJsonReader.Read(p.OutputText, "postqueue -j", QueueSourceKind.Postfix, computer, now, ct, options.MaxPipedChars))
            {
                if (o.Kind == OutcomeKind.Result)
                {
                    o.Value!.InstanceConfig = options.ConfigDirectory;
                    o.Value.ContentOpener = open;
                    if (hops is null)
                    {
                        try
                        {
                            hops = PostfixNextHops.Read(options.ConfigDirectory, ct);
                        }
                        catch (OutageException)
                        {
                            hops = new PostfixNextHops(PostfixConfig.FromValues(new Dictionary<string, string> { ["sender_dependent_relayhost_maps"] = "unreadable" }), _ => null);
                        }
                    }

                    o.Value.NextHop = null;
                    foreach (var r in o.Value.Recipients)
                    {
                        r.NextHop = hops.Of(r.Address);
                        o.Value.NextHop ??= r.NextHop;
                    }
                }

                yield return o;
            }

            var rc = p.WaitForExit();
            ct.ThrowIfCancellationRequested();
            if (rc != 0 || p.TimedOut)
            {
                var err = p.StandardError.Trim();
                // The default instance without /etc/postfix/main.cf (exit 69, EX_UNAVAILABLE): name the option that fixes it.
                var which = options.ConfigDirectory is null
                    ? " No -ConfigDirectory / --config-dir was given, so the default instance was read; give the directory of the instance's main.cf."
                    : $" (instance {options.ConfigDirectory})";
                throw new OutageException(ErrorIds.QueueToolFailed, err.IndexOf("ermission", StringComparison.Ordinal) >= 0 ? OutageErrorCategory.PermissionDenied : OutageErrorCategory.InvalidResult,
                    $"postqueue -j failed (exit {rc}{(p.TimedOut ? ", timed out" : string.Empty)}): {err}.{which}", "postqueue",
                    "Check that Postfix is installed and that -ConfigDirectory / --config-dir names its configuration directory; run as a user allowed to read the queue.");
            }
        }
    }

    /// <summary>
    /// postcat -bh -q ID prints the header and body records (postcat(1)); Postfix stores lines without their
    /// terminator, so each line gets CRLF back (RFC 5322 section 2.1), giving the bytes as received after the
    /// Received: header Postfix added.
    /// </summary>
    internal static Stream OpenContentWithPostcat(QueueMessage m, CancellationToken ct)
    {
        var args = ConfigArgs(m.InstanceConfig);
        args.AddRange(new[] { "-bh", "-q", m.Id });
        using var p = ToolProcess.Start("postcat", args, QueueSource.PostfixHint, TimeSpan.FromMinutes(2), ct);
        var output = new MemoryStream();
        p.Output.CopyTo(output);
        var rc = p.WaitForExit();
        if (rc != 0)
        {
            var err = p.StandardError;
            var gone = err.IndexOf("No such file", StringComparison.Ordinal) >= 0;
            throw new OutageException(ErrorIds.QueueMessageNotFound, gone ? OutageErrorCategory.ObjectNotFound : OutageErrorCategory.ReadError,
                gone ? $"The message {m.ContentName} is no longer in the queue (it was delivered, expired or removed since it was listed)."
                     : $"postcat could not read {m.ContentName}: {err}", m, gone ? null : "Run as a user allowed to read the queue (root or postdrop).");
        }

        return ToCrlf(output.GetBuffer(), (int)output.Length);
    }

    internal static MemoryStream ToCrlf(byte[] buffer, int length)
    {
        var result = new MemoryStream(length + (length / 20) + 16);
        for (var i = 0; i < length; i++)
        {
            var b = buffer[i];
            if (b == (byte)'\n')
            {
                result.WriteByte((byte)'\r');
            }

            result.WriteByte(b);
        }

        result.Position = 0;
        return result;
    }

    /// <summary>
    /// Runs postsuper for the named messages only: each id is passed with its own flag and the command is
    /// restricted to the message's current queue (postsuper(1): "-h queue_id ... [directory]").
    /// Returns the ids postsuper confirmed.
    /// </summary>
    internal static HashSet<string> Super(string? configDirectory, string flag, string queue, IReadOnlyList<string> ids, CancellationToken ct)
    {
        CheckConfig(configDirectory);
        var done = new HashSet<string>(StringComparer.Ordinal);
        for (var start = 0; start < ids.Count; start += 200)
        {
            var args = ConfigArgs(configDirectory);
            foreach (var id in ids.Skip(start).Take(200))
            {
                args.Add(flag);
                args.Add(id);
            }

            if (!string.IsNullOrEmpty(queue))
            {
                args.Add(queue);
            }

            var (rc, output, err) = ToolProcess.Run("postsuper", args, QueueSource.PostfixHint, TimeSpan.FromMinutes(5), ct);
            // postsuper reports each message on stderr: "postsuper: ID: placed on hold" / "released from hold" / "removed" / "requeued".
            foreach (Match match in Regex.Matches(err + "\n" + output, @"^postsuper: ([0-9A-Za-z]+): (?:placed on hold|released from hold|removed|requeued)\s*$", RegexOptions.Multiline))
            {
                done.Add(match.Groups[1].Value);
            }

            if (rc != 0)
            {
                throw new OutageException(ErrorIds.QueueToolFailed, OutageErrorCategory.InvalidResult, $"postsuper {flag} failed (exit {rc}): {err}", "postsuper",
                    "Run as root, and check -ConfigDirectory / --config-dir.");
            }
        }

        return done;
    }
}
