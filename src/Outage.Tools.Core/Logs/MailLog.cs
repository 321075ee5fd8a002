using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Text;
using System.Threading;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Logs;

/// <summary>A log to read: a file (plain or gzip-compressed) or text in memory.</summary>
public sealed class MailLogInput
{
    private MailLogInput(string name, string? path, string? content)
    {
        Name = name;
        Path = path;
        Content = content;
    }

    public string Name { get; }

    public string? Path { get; }

    public string? Content { get; }

    public static MailLogInput FromPath(string path) => new(path ?? throw new ArgumentNullException(nameof(path)), path, null);

    public static MailLogInput FromContent(string name, string content) => new(name, null, content ?? throw new ArgumentNullException(nameof(content)));
}

/// <summary>A request to read mail logs (Get-MailLogEvent, <c>outage log events</c>) with its filters.</summary>
public sealed class MailLogRequest
{
    public IList<MailLogInput> Inputs { get; } = new List<MailLogInput>();

    public MailLogFormat Format { get; set; } = MailLogFormat.Auto;

    /// <summary>Only events at or after this time.</summary>
    public DateTimeOffset? Start { get; set; }

    /// <summary>Only events before this time.</summary>
    public DateTimeOffset? End { get; set; }

    /// <summary>Only these queue ids (exact, case-sensitive as MTAs write them).</summary>
    public ISet<string> QueueId { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Only these Message-IDs (angle brackets optional).</summary>
    public ISet<string> MessageId { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Only events whose sender is in one of these domains (case-insensitive).</summary>
    public ISet<string> SenderDomain { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Only events whose recipient is in one of these domains (case-insensitive).</summary>
    public ISet<string> RecipientDomain { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Only these statuses; empty means all.</summary>
    public ISet<MailLogStatus> Status { get; } = new HashSet<MailLogStatus>();

    /// <summary>The year of syslog dates that have none; null infers it (see <see cref="LogClock"/>).</summary>
    public int? Year { get; set; }

    /// <summary>The UTC offset of zone-less timestamps; null means this machine's time zone.</summary>
    public TimeSpan? UtcOffset { get; set; }

    /// <summary>The syslog_name of a Postfix instance whose name does not start with "postfix".</summary>
    public string SyslogName { get; set; } = "postfix";

    /// <summary>Unreadable lines reported one by one per file; the rest are counted in one warning.</summary>
    public int MaximumLineWarnings { get; set; } = 10;
}

/// <summary>
/// Streams the events of Postfix, Exim and Exchange message tracking logs, one file after the other, line by line
/// (a gigabyte log is never loaded). Events of one message are tied together by queue id: the Message-ID, sender and
/// size logged once (cleanup, qmgr, Exim &lt;=) are copied onto its later events, so filters by Message-ID or sender
/// domain find its deliveries too. That table forgets a message when its removed/Completed line is read, and holds
/// at most <see cref="MaximumTrackedMessages"/> messages (oldest forgotten first), so memory stays bounded.
/// An unreadable line is a located warning, never the end of the listing.
/// </summary>
public static class MailLog
{
    public const int MaximumTrackedMessages = 100_000;

    private const int BufferSize = 64 * 1024;

    public static IEnumerable<Outcome<MailLogEvent>> Read(MailLogRequest request, IProgress<OperationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        if (request.Start is not null && request.End is not null && request.End <= request.Start)
        {
            throw new OutageException(new ItemError(ErrorIds.InvalidArgument, OutageErrorCategory.InvalidArgument,
                $"The end of the time window ({request.End:o}) is not after its start ({request.Start:o}).", null,
                "Give an end time later than the start time."));
        }

        return Iterate(request, cancellationToken);
    }

    private static IEnumerable<Outcome<MailLogEvent>> Iterate(MailLogRequest request, CancellationToken ct)
    {
        var messageIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in request.MessageId)
        {
            var t = id.Trim();
            messageIds.Add(t.StartsWith("<", StringComparison.Ordinal) ? t : "<" + t + ">");
        }

        foreach (var input in request.Inputs)
        {
            foreach (var outcome in ReadOne(input, request, messageIds, ct))
            {
                yield return outcome;
            }
        }
    }

    private static IEnumerable<Outcome<MailLogEvent>> ReadOne(MailLogInput input, MailLogRequest request, HashSet<string> messageIds,
        CancellationToken ct)
    {
        TextReader? reader = null;
        DateTime written;
        ItemError? openError = null;
        try
        {
            if (input.Content is not null)
            {
                reader = new StringReader(input.Content);
                written = DateTime.Now;
            }
            else
            {
                written = File.GetLastWriteTime(input.Path!);
                reader = Open(input.Path!);
            }
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            written = default;
            openError = new ItemError(ErrorIds.PathNotFound, OutageErrorCategory.ObjectNotFound, $"The log '{input.Name}' does not exist.",
                input.Name, "Check the path.", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            written = default;
            openError = new ItemError(ErrorIds.PathNotReadable, OutageErrorCategory.ReadError, $"Cannot read the log '{input.Name}': {ex.Message}",
                input.Name, "Check the permissions of the file (mail logs are often readable by root or the adm group only).", ex);
        }

        if (openError is not null)
        {
            yield return Outcome<MailLogEvent>.Failure(openError);
            yield break;
        }

        using (reader)
        {
            var state = new ReaderState(input, request, written, messageIds);
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                string? line;
                ItemError? readError = null;
                try
                {
                    line = reader!.ReadLine();
                }
                catch (InvalidDataException ex)
                {
                    line = null;
                    readError = new ItemError(ErrorIds.LogCompressedDataInvalid, OutageErrorCategory.InvalidData,
                        $"The compressed log '{input.Name}' is corrupt or ends early after line {state.LineNumber}: {ex.Message}", input.Name,
                        "The events before that line were read; check the file (gzip -t).", ex);
                }
                catch (IOException ex)
                {
                    line = null;
                    readError = new ItemError(ErrorIds.PathNotReadable, OutageErrorCategory.ReadError,
                        $"Reading the log '{input.Name}' failed after line {state.LineNumber}: {ex.Message}", input.Name, "Check the file.", ex);
                }

                if (readError is not null)
                {
                    yield return Outcome<MailLogEvent>.Failure(readError);
                    break;
                }

                if (line is null)
                {
                    if (reader is StreamReader { BaseStream: GzipCheck check } && check.Truncated(out var why))
                    {
                        yield return Outcome<MailLogEvent>.Failure(new ItemError(ErrorIds.LogCompressedDataInvalid, OutageErrorCategory.InvalidData,
                            $"The compressed log '{input.Name}' ends early or is corrupt after line {state.LineNumber}: {why}", input.Name,
                            "The events before that line were read; check the file (gzip -t)."));
                    }

                    break;
                }

                state.LineNumber++;
                var events = state.Parse(line);
                if (state.PendingWarning is not null)
                {
                    yield return Outcome<MailLogEvent>.Warn(state.PendingWarning);
                    state.PendingWarning = null;
                }

                if (events is null)
                {
                    continue;
                }

                foreach (var ev in events)
                {
                    if (state.Keep(ev))
                    {
                        yield return Outcome<MailLogEvent>.Success(ev);
                    }
                }
            }

            if (state.InvalidLines > request.MaximumLineWarnings)
            {
                yield return Outcome<MailLogEvent>.Warn(
                    $"{input.Name}: {state.InvalidLines} lines could not be read as {state.Format} log lines (first at line {state.FirstInvalidLine}); " +
                    $"only the first {request.MaximumLineWarnings} were shown.");
            }

            if (state.Format == MailLogFormat.Auto && state.LineNumber > 0)
            {
                yield return Outcome<MailLogEvent>.Failure(new ItemError(ErrorIds.LogFormatUnknown, OutageErrorCategory.InvalidData,
                    $"'{input.Name}' is not a Postfix, Exim or Exchange message tracking log: no line starts with a syslog, RFC 3339 or Exim timestamp or an Exchange #Fields: header.",
                    input.Name, "Give a mail log, or name its format with -Format."));
            }
        }
    }

    /// <summary>A plain or gzip-compressed (RFC 1952; recognised by its magic bytes, not its name) file.</summary>
    internal static TextReader Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, BufferSize, FileOptions.SequentialScan);
        try
        {
            var b1 = stream.ReadByte();
            var b2 = stream.ReadByte();
            stream.Position = 0;
            Stream source = b1 == 0x1f && b2 == 0x8b ? new GzipCheck(stream) : stream;
            // Logs are mostly ASCII; UTF-8 with replacement keeps any other byte readable instead of failing.
            return new StreamReader(source, new UTF8Encoding(false, false), false, BufferSize);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Decompresses a gzip file and counts what it gave: GZipStream may end quietly on a truncated file, so at the end
    /// the count is compared with the trailer's ISIZE (RFC 1952 section 2.3.1: the input size modulo 2^32) of the
    /// last member.
    /// </summary>
    private sealed class GzipCheck : Stream
    {
        private readonly FileStream _file;
        private readonly GZipStream _gzip;
        private long _count;

        public GzipCheck(FileStream file)
        {
            _file = file;
            _gzip = new GZipStream(file, CompressionMode.Decompress);
        }

        public bool Truncated(out string why)
        {
            why = string.Empty;
            var length = _file.Length;
            if (length < 18)
            {
                why = "shorter than a gzip header and trailer";
                return true;
            }

            using var again = new FileStream(_file.Name, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            again.Position = length - 4;
            var trailer = new byte[4];
            var n = again.Read(trailer, 0, 4);
            var isize = n == 4 ? (uint)(trailer[0] | trailer[1] << 8 | trailer[2] << 16 | trailer[3] << 24) : 0;
            if (n != 4 || isize != (uint)_count)
            {
                why = $"{_count} bytes decompressed, the trailer says {isize} (modulo 2^32)";
                return true;
            }

            return false;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = _gzip.Read(buffer, offset, count);
            _count += n;
            return n;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _count; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _gzip.Dispose();
                _file.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private sealed class ReaderState
    {
        private readonly MailLogInput _input;
        private readonly MailLogRequest _request;
        private readonly HashSet<string> _messageIds;
        private readonly LogClock _clock;
        private readonly ExchangeTrackingLogParser _exchange = new();
        private readonly Dictionary<string, Tracked> _tracked = new(StringComparer.Ordinal);
        private readonly Queue<string> _order = new();
        private readonly MailLogEvent[] _one = new MailLogEvent[1];

        public ReaderState(MailLogInput input, MailLogRequest request, DateTime written, HashSet<string> messageIds)
        {
            _input = input;
            _request = request;
            _messageIds = messageIds;
            _clock = new LogClock(written, request.Year, request.UtcOffset);
            Format = request.Format;
        }

        public MailLogFormat Format { get; private set; }

        public long LineNumber { get; set; }

        public long InvalidLines { get; private set; }

        public long FirstInvalidLine { get; private set; }

        public string? PendingWarning { get; set; }

        public IList<MailLogEvent>? Parse(string line)
        {
            if (line.Length == 0)
            {
                return null;
            }

            if (Format == MailLogFormat.Auto)
            {
                Format = Detect(line);
                if (Format == MailLogFormat.Auto)
                {
                    return null;
                }
            }

            IList<MailLogEvent>? events = null;
            var valid = true;
            switch (Format)
            {
                case MailLogFormat.Postfix:
                    var kind = PostfixLogParser.Parse(line, _clock, _request.SyslogName, out var pe);
                    valid = kind != PostfixLogParser.LineKind.Invalid;
                    if (pe is not null)
                    {
                        _one[0] = pe;
                        events = _one;
                    }

                    break;
                case MailLogFormat.Exim:
                    valid = EximLogParser.Parse(line, _clock, out var ee);
                    if (ee is not null)
                    {
                        _one[0] = ee;
                        events = _one;
                    }

                    break;
                default:
                    if (line[0] == '#')
                    {
                        if (line.StartsWith("#Fields:", StringComparison.Ordinal))
                        {
                            _exchange.SetFields(line.Substring(8).Trim());
                        }

                        return null;
                    }

                    if (!_exchange.HasFields && (line.StartsWith("\"", StringComparison.Ordinal) || line.StartsWith("Timestamp", StringComparison.Ordinal))
                        && line.IndexOf("EventId", StringComparison.OrdinalIgnoreCase) >= 0)
                    {
                        // Get-MessageTrackingLog | Export-Csv: the first row names the columns.
                        _exchange.SetFields(line);
                        return null;
                    }

                    events = _exchange.Parse(line);
                    valid = events is not null;
                    break;
            }

            if (!valid)
            {
                Invalid(line);
                return null;
            }

            if (events is not null)
            {
                foreach (var ev in events)
                {
                    ev.Path = _input.Name;
                    ev.Line = LineNumber;
                    Correlate(ev);
                }
            }

            return events;
        }

        private static MailLogFormat Detect(string line)
        {
            if (line.StartsWith("#Software: Microsoft Exchange", StringComparison.Ordinal) || line.StartsWith("#Fields:", StringComparison.Ordinal)
                || (line.IndexOf("EventId", StringComparison.OrdinalIgnoreCase) >= 0 && line.IndexOf("MessageId", StringComparison.OrdinalIgnoreCase) >= 0))
            {
                return MailLogFormat.ExchangeTracking;
            }

            if (EximLogParser.IsTimestamp(line))
            {
                return MailLogFormat.Exim;
            }

            if (LogClock.TryRfc3339(line, out _) > 0 || new LogClock(DateTime.Now, 2000, TimeSpan.Zero).TryTraditional(line, out _) > 0)
            {
                return MailLogFormat.Postfix;
            }

            return MailLogFormat.Auto;
        }

        private void Invalid(string line)
        {
            if (InvalidLines++ == 0)
            {
                FirstInvalidLine = LineNumber;
            }

            if (InvalidLines <= _request.MaximumLineWarnings)
            {
                var shown = line.Length > 120 ? line.Substring(0, 120) + "…" : line;
                PendingWarning = $"{_input.Name}:{LineNumber}: not a {Format} log line, skipped ({ErrorIds.LogLineInvalid}): {shown}";
            }
        }

        private void Correlate(MailLogEvent ev)
        {
            if (ev.QueueId is null || ev.Format == MailLogFormat.ExchangeTracking)
            {
                return;
            }

            if (!_tracked.TryGetValue(ev.QueueId, out var t))
            {
                if (ev.Status is not (MailLogStatus.Received or MailLogStatus.Queued))
                {
                    return;
                }

                t = new Tracked();
                _tracked[ev.QueueId] = t;
                _order.Enqueue(ev.QueueId);
                while (_order.Count > MaximumTrackedMessages)
                {
                    _tracked.Remove(_order.Dequeue());
                }
            }

            if (ev.MessageId is not null)
            {
                t.MessageId = ev.MessageId;
            }
            else
            {
                ev.MessageId = t.MessageId;
            }

            if (ev.Status is MailLogStatus.Received or MailLogStatus.Queued && ev.Sender is not null)
            {
                t.Sender = ev.Sender;
            }
            else if (ev.Status is not MailLogStatus.Expired)
            {
                ev.Sender ??= t.Sender;
            }

            if (ev.Size is not null)
            {
                t.Size = ev.Size;
            }
            else
            {
                ev.Size = t.Size;
            }

            if (ev.Status == MailLogStatus.Completed)
            {
                // The queue id can be reused; forget it (its slot in _order is skipped when it comes up).
                _tracked.Remove(ev.QueueId);
            }
        }

        public bool Keep(MailLogEvent ev)
        {
            var r = _request;
            if ((r.Start is not null && ev.Time < r.Start) || (r.End is not null && ev.Time >= r.End))
            {
                return false;
            }

            if (r.Status.Count > 0 && !r.Status.Contains(ev.Status))
            {
                return false;
            }

            if (r.QueueId.Count > 0 && (ev.QueueId is null || !r.QueueId.Contains(ev.QueueId)))
            {
                return false;
            }

            if (_messageIds.Count > 0 && (ev.MessageId is null || !_messageIds.Contains(ev.MessageId)))
            {
                return false;
            }

            if (r.SenderDomain.Count > 0 && (ev.SenderDomain is not { } sd || !r.SenderDomain.Contains(sd)))
            {
                return false;
            }

            return r.RecipientDomain.Count == 0 || (ev.RecipientDomain is { } rd && r.RecipientDomain.Contains(rd));
        }
    }

    private sealed class Tracked
    {
        public string? MessageId;
        public string? Sender;
        public long? Size;
    }
}
