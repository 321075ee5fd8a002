using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Mime;

/// <summary>One thing to check: a file or folder path, raw bytes, or a pipeline message (<see cref="IMessageContent"/>).</summary>
public sealed class MimeInput
{
    private MimeInput(string name, string? path, byte[]? bytes, IMessageContent? message)
    {
        Name = name;
        Path = path;
        Bytes = bytes;
        Message = message;
    }

    public string Name { get; }

    public string? Path { get; }

    public byte[]? Bytes { get; }

    public IMessageContent? Message { get; }

    /// <summary>A file, or a folder whose files are all checked.</summary>
    public static MimeInput FromPath(string path) => new(path ?? throw new ArgumentNullException(nameof(path)), path, null, null);

    public static MimeInput FromBytes(string name, byte[] bytes) => new(name, null, bytes ?? throw new ArgumentNullException(nameof(bytes)), null);

    public static MimeInput FromMessage(IMessageContent message) =>
        new((message ?? throw new ArgumentNullException(nameof(message))).ContentName, null, null, message);
}

/// <summary>A request to check messages (Test-MimeMessage, <c>outage mime lint</c>).</summary>
public sealed class MimeLintRequest
{
    public IList<MimeInput> Inputs { get; } = new List<MimeInput>();

    /// <summary>
    /// Inputs read lazily, after <see cref="Inputs"/>, as the checks need them (piped input: the sequence may block
    /// until the next item arrives). Read-ahead is bounded (4 × <see cref="ThrottleLimit"/>).
    /// </summary>
    public IEnumerable<MimeInput>? InputSource { get; set; }

    /// <summary>Check the files of sub-folders too.</summary>
    public bool Recurse { get; set; }

    /// <summary>Each file is an mbox (RFC 4155): one report per message.</summary>
    public bool Mbox { get; set; }

    /// <summary>Only these rule ids (wildcards); empty means every rule.</summary>
    public IList<string> Rules { get; } = new List<string>();

    /// <summary>Never these rule ids (wildcards).</summary>
    public IList<string> ExcludeRules { get; } = new List<string>();

    public MimeSeverity MinimumSeverity { get; set; } = MimeSeverity.Info;

    /// <summary>Files checked at once (1 = sequential).</summary>
    public int ThrottleLimit { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// Inputs one worker checks one after another before handing its reports back (1: each input is its own work
    /// item). Many small inputs from a listing (a live queue) are checked faster in batches: fewer hand-offs between
    /// threads. Keep 1 for piped input, where the next item may not have arrived yet.
    /// </summary>
    public int BatchSize { get; set; } = 1;

    public MimeLintOptions Options { get; set; } = new();
}

/// <summary>
/// Checks messages with the streaming linter: files are read in 64 KiB chunks, never loaded whole; folders
/// are scanned in parallel (<see cref="OrderedParallel"/>) with results in input order.
/// </summary>
public static class MimeLint
{
    internal const int BufferSize = 64 * 1024;

    public static IEnumerable<Outcome<MimeMessageReport>> Run(MimeLintRequest request, IProgress<OperationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        if (request.ThrottleLimit < 1)
        {
            throw new OutageException(ErrorIds.InvalidArgument, OutageErrorCategory.InvalidArgument,
                $"The throttle limit {request.ThrottleLimit} is below 1.", request.ThrottleLimit, "Give a throttle limit of 1 or more.");
        }

        if (request.BatchSize < 1)
        {
            throw new OutageException(ErrorIds.InvalidArgument, OutageErrorCategory.InvalidArgument,
                $"The batch size {request.BatchSize} is below 1.", request.BatchSize, "Give a batch size of 1 or more.");
        }

        var filter = FindingFilter.Create(request.Rules, request.ExcludeRules, request.MinimumSeverity);
        return Iterate(request, filter, progress, cancellationToken);
    }

    private static IEnumerable<Outcome<MimeMessageReport>> Iterate(MimeLintRequest request, FindingFilter filter,
        IProgress<OperationProgress>? progress, CancellationToken ct)
    {
        var done = 0L;
        if (request.Mbox)
        {
            // One input at a time, each report as soon as its message ends: memory does not grow with the mailbox.
            foreach (var item in Expand(request, ct))
            {
                foreach (var outcome in CheckLazily(item, request, filter, ct))
                {
                    yield return outcome;
                }

                done++;
                progress?.Report(new OperationProgress("Checking MIME messages", $"{done:N0} inputs checked"));
            }

            yield break;
        }

        if (request.BatchSize > 1)
        {
            var batches = OrderedParallel.Run(Batches(Expand(request, ct), request.BatchSize),
                (batch, token) => batch.Select(item => Check(item, request, filter, token)).ToList(), request.ThrottleLimit, ct);
            foreach (var batch in batches)
            {
                foreach (var outcomes in batch)
                {
                    foreach (var outcome in outcomes)
                    {
                        yield return outcome;
                    }

                    done++;
                }

                progress?.Report(new OperationProgress("Checking MIME messages", $"{done:N0} inputs checked"));
            }

            yield break;
        }

        var work = OrderedParallel.Run(Expand(request, ct), (item, token) => Check(item, request, filter, token), request.ThrottleLimit, ct);
        foreach (var outcomes in work)
        {
            foreach (var outcome in outcomes)
            {
                yield return outcome;
            }

            done++;
            progress?.Report(new OperationProgress("Checking MIME messages", $"{done:N0} inputs checked"));
        }
    }

    /// <summary>Consecutive runs of at most <paramref name="size"/> items, in order.</summary>
    private static IEnumerable<List<T>> Batches<T>(IEnumerable<T> items, int size)
    {
        var batch = new List<T>(size);
        foreach (var item in items)
        {
            batch.Add(item);
            if (batch.Count == size)
            {
                yield return batch;
                batch = new List<T>(size);
            }
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    /// <summary>Turns folders into their files (sorted, so output order is stable); per-item errors for missing paths.</summary>
    internal static IEnumerable<Expanded> Expand(MimeLintRequest request, CancellationToken ct)
    {
        var inputs = request.InputSource is null ? request.Inputs : request.Inputs.Concat(request.InputSource);
        foreach (var input in inputs)
        {
            ct.ThrowIfCancellationRequested();
            if (input.Path is null)
            {
                yield return new Expanded(input, null);
                continue;
            }

            if (Directory.Exists(input.Path))
            {
                // Regular files only (a FIFO would block forever), links to folders not followed (they loop), an
                // unreadable subfolder reported while the rest is checked (FileScan).
                foreach (var entry in FileScan.Files(input.Path, "*", request.Recurse, ct))
                {
                    yield return entry.IsFile ? new Expanded(MimeInput.FromPath(entry.Path), null)
                        : new Expanded(input, entry.Error, entry.Warning);
                }

                continue;
            }

            if (!File.Exists(input.Path))
            {
                yield return new Expanded(input, new ItemError(ErrorIds.PathNotFound, OutageErrorCategory.ObjectNotFound,
                    $"The path '{input.Path}' does not exist.", input.Path, "Check the path, or use -LiteralPath for names with wildcard characters."));
                continue;
            }

            if (!FileScan.IsRegularFile(input.Path, out var kind) && kind.EndsWith("device", StringComparison.Ordinal))
            {
                // A device (/dev/zero) never ends; a FIFO named on purpose (<(command)) is read.
                yield return new Expanded(input, new ItemError(ErrorIds.PathNotReadable, OutageErrorCategory.InvalidArgument,
                    $"'{input.Path}' is {kind}, not a message file.", input.Path, "Give a message file, a folder, or pipe the message in."));
                continue;
            }

            yield return new Expanded(input, null);
        }
    }

    internal sealed class Expanded
    {
        public Expanded(MimeInput input, ItemError? error, string? warning = null)
        {
            Input = input;
            Error = error;
            Warning = warning;
        }

        public MimeInput Input { get; }

        public ItemError? Error { get; }

        /// <summary>A path the scan skipped on purpose (FIFO, device, link to a folder).</summary>
        public string? Warning { get; }
    }

    private static ItemError Unreadable(string path, Exception ex) =>
        new(ErrorIds.PathNotReadable, OutageErrorCategory.ReadError, $"Cannot read '{path}': {ex.Message}", path,
            "Check the permissions of the file.", ex);

    private static List<Outcome<MimeMessageReport>> Check(Expanded item, MimeLintRequest request, FindingFilter filter, CancellationToken ct) =>
        CheckLazily(item, request, filter, ct).ToList();

    /// <summary>
    /// The outcomes of one input as they come: with -Mbox each message's report is yielded when that message
    /// ends, so 200,000 messages are never all held at once.
    /// </summary>
    private static IEnumerable<Outcome<MimeMessageReport>> CheckLazily(Expanded item, MimeLintRequest request, FindingFilter filter, CancellationToken ct)
    {
        if (item.Error is not null)
        {
            yield return Outcome<MimeMessageReport>.Failure(item.Error);
            yield break;
        }

        if (item.Warning is not null)
        {
            yield return Outcome<MimeMessageReport>.Warn(item.Warning);
            yield break;
        }

        var input = item.Input;
        Stream? stream = null;
        IEnumerator<MimeMessageReport>? reports = null;
        try
        {
            while (true)
            {
                ItemError? failure = null;
                MimeMessageReport? report = null;
                try
                {
                    if (reports is null)
                    {
                        stream = input.Bytes is not null ? new MemoryStream(input.Bytes, false)
                            : input.Message is not null ? input.Message.OpenContent(ct)
                            : new FileStream(input.Path!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
                        reports = LintStream(stream, input.Name, request.Mbox, request.Options, filter, input.Message, ct).GetEnumerator();
                    }

                    if (reports.MoveNext())
                    {
                        report = reports.Current;
                    }
                }
                catch (OutageException ex)
                {
                    failure = ex.Error;
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    failure = Unreadable(input.Name, ex);
                }

                if (failure is not null)
                {
                    yield return Outcome<MimeMessageReport>.Failure(failure);
                    yield break;
                }

                if (report is null)
                {
                    yield break;
                }

                yield return Outcome<MimeMessageReport>.Success(report);
            }
        }
        finally
        {
            reports?.Dispose();
            stream?.Dispose();
        }
    }

    /// <summary>
    /// Lints one stream: one report, or with <paramref name="mbox"/> one report per message (RFC 4155: a
    /// message starts at a line beginning "From " at the start of the file or after an empty line).
    /// Offsets and line numbers are those of the stream.
    /// </summary>
    public static IEnumerable<MimeMessageReport> LintStream(Stream stream, string name, bool mbox, MimeLintOptions? options = null,
        FindingFilter? filter = null, IMessageContent? message = null, CancellationToken cancellationToken = default)
    {
        if (stream is null)
        {
            throw new ArgumentNullException(nameof(stream));
        }

        options ??= new MimeLintOptions();
        filter ??= FindingFilter.All;
        var buffer = RentBuffer();
        try
        {
            foreach (var report in LintStream(stream, name, mbox, options, filter, message, buffer, cancellationToken))
            {
                yield return report;
            }
        }
        finally
        {
            ReturnBuffer(buffer);
        }
    }

    private static readonly System.Collections.Concurrent.ConcurrentBag<byte[]> Buffers = new();

    internal static byte[] RentBuffer() => Buffers.TryTake(out var b) ? b : new byte[BufferSize];

    internal static void ReturnBuffer(byte[] buffer)
    {
        if (Buffers.Count < 64)
        {
            Buffers.Add(buffer);
        }
    }

    private static IEnumerable<MimeMessageReport> LintStream(Stream stream, string name, bool mbox, MimeLintOptions options,
        FindingFilter filter, IMessageContent? message, byte[] buffer, CancellationToken cancellationToken)
    {
        if (!mbox)
        {
            var linter = new MimeLinter(options, name);
            int n;
            while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                linter.Feed(buffer, 0, n);
            }

            var findings = linter.Finish();
            yield return new MimeMessageReport(name, linter.BytesProcessed, filter.Apply(findings), 1, 0, message);
            yield break;
        }

        var splitter = new MboxSplitter(options, name);
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var done in splitter.Feed(buffer, 0, read))
            {
                yield return Report(done);
            }
        }

        foreach (var done in splitter.Finish())
        {
            yield return Report(done);
        }

        MimeMessageReport Report(MboxSplitter.Done d) =>
            new(name, d.Size, filter.Apply(d.Findings), d.Index, d.Start, message);
    }
}

/// <summary>Rule selection (-Rule, -ExcludeRule) and -MinimumSeverity, applied to findings.</summary>
public sealed class FindingFilter
{
    private readonly List<Wildcard> _include;
    private readonly List<Wildcard> _exclude;
    private readonly MimeSeverity _minimum;

    private FindingFilter(List<Wildcard> include, List<Wildcard> exclude, MimeSeverity minimum)
    {
        _include = include;
        _exclude = exclude;
        _minimum = minimum;
    }

    public static FindingFilter All { get; } = new(new List<Wildcard>(), new List<Wildcard>(), MimeSeverity.Info);

    /// <summary>Builds the filter; a plain id that names no rule makes the request unusable.</summary>
    public static FindingFilter Create(IEnumerable<string> rules, IEnumerable<string> excludeRules, MimeSeverity minimum)
    {
        var include = rules.Select(Make).ToList();
        var exclude = excludeRules.Select(Make).ToList();
        return new FindingFilter(include, exclude, minimum);

        static Wildcard Make(string id)
        {
            var w = new Wildcard(id);
            if (!w.HasWildcard && MimeRuleCatalog.Find(id) is null)
            {
                throw new OutageException(ErrorIds.MimeRuleNotFound, OutageErrorCategory.ObjectNotFound,
                    $"There is no MIME rule with the id '{id}'.", id, "Run Get-MimeRule (or 'outage mime rules') to list the rule ids.");
            }

            return w;
        }
    }

    public bool Includes(MimeFinding f) =>
        f.Severity >= _minimum && (_include.Count == 0 || _include.Any(w => w.IsMatch(f.Rule))) && !_exclude.Any(w => w.IsMatch(f.Rule));

    public IReadOnlyList<MimeFinding> Apply(IReadOnlyList<MimeFinding> findings)
    {
        if (_include.Count == 0 && _exclude.Count == 0 && _minimum == MimeSeverity.Info)
        {
            return findings;
        }

        return findings.Where(Includes).ToList();
    }
}
