using System.Text;
using Outage.Tools.Core.Mime;
using Outage.Tools.Core.Operations;
using Xunit;
using static Outage.Tools.Core.Tests.Mime.MimeTestKit;

namespace Outage.Tools.Core.Tests.Mime;

/// <summary>The operation: files, folders, mbox, bytes, pipeline messages, rule filters and per-item errors.</summary>
public sealed class MimeLintOperationTests
{
    private sealed class QueuedMessage : IMessageContent
    {
        private readonly byte[] _bytes;

        public QueuedMessage(string name, byte[] bytes)
        {
            ContentName = name;
            _bytes = bytes;
        }

        public string ContentName { get; }

        public int Opened { get; private set; }

        public Stream OpenContent(CancellationToken cancellationToken)
        {
            Opened++;
            return new MemoryStream(_bytes, false);
        }
    }

    [Fact]
    public void Pipeline_message_is_read_through_IMessageContent_and_carried_in_the_report()
    {
        var (bad, _) = Build(Head.Replace("Date: Mon, 4 Mar 2024 10:00:00 +0000\n", "") + "\nbody\n", "\r\n");
        var queued = new QueuedMessage("postfix:deferred/4BFC3B2029F", bad);
        var request = new MimeLintRequest { ThrottleLimit = 1 };
        request.Inputs.Add(MimeInput.FromMessage(queued));
        var report = Assert.Single(MimeLint.Run(request)).Value!;
        Assert.Same(queued, report.Message);
        Assert.Equal("postfix:deferred/4BFC3B2029F", report.Path);
        Assert.False(report.WellFormed);
        Assert.Equal(1, report.ErrorCount);
        Assert.Equal("missing-date", report.Findings[0].Rule);
        Assert.Equal(1, queued.Opened);
    }

    [Fact]
    public void Input_source_is_read_lazily_while_results_stream_in_input_order()
    {
        // Piped input: the source blocks until the next item arrives; the first reports come out before it ends.
        var (good, _) = Build(Head + "\nbody\n", "\r\n");
        var (bad, _) = Build(Head.Replace("Date: Mon, 4 Mar 2024 10:00:00 +0000\n", "") + "\nbody\n", "\r\n");
        using var source = new System.Collections.Concurrent.BlockingCollection<MimeInput>();
        var request = new MimeLintRequest { ThrottleLimit = 2, InputSource = source.GetConsumingEnumerable() };
        request.Inputs.Add(MimeInput.FromBytes("first", good));
        for (var i = 0; i < 20; i++)
        {
            source.Add(MimeInput.FromBytes("m" + i, i == 7 ? bad : good));
        }

        using var e = MimeLint.Run(request).GetEnumerator();
        var names = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            Assert.True(e.MoveNext());
            names.Add(e.Current.Value!.Path);
        }

        source.Add(MimeInput.FromBytes("last", good));
        source.CompleteAdding();
        var rest = new List<MimeMessageReport>();
        while (e.MoveNext())
        {
            rest.Add(e.Current.Value!);
        }

        names.AddRange(rest.Select(r => r.Path));
        Assert.Equal(new[] { "first" }.Concat(Enumerable.Range(0, 20).Select(i => "m" + i)).Append("last"), names);
        Assert.Equal("m7", Assert.Single(rest, r => !r.WellFormed).Path);
    }

    [Fact]
    public void Files_folders_and_missing_paths_in_input_order()
    {
        var dir = Path.Combine(Path.GetTempPath(), "outage-mime-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(dir, "sub"));
        try
        {
            File.Copy(Fixture("valid-simple-8bit.eml"), Path.Combine(dir, "a.eml"));
            File.WriteAllText(Path.Combine(dir, "sub", "b.eml"), "Subject: no from\r\n\r\nx\r\n");
            var request = new MimeLintRequest { Recurse = true, ThrottleLimit = 4 };
            request.Inputs.Add(MimeInput.FromPath(dir));
            request.Inputs.Add(MimeInput.FromPath(Path.Combine(dir, "missing.eml")));
            var outcomes = MimeLint.Run(request).ToList();
            Assert.Equal(3, outcomes.Count);
            Assert.True(outcomes[0].Value!.WellFormed);
            Assert.EndsWith("a.eml", outcomes[0].Value!.Path, StringComparison.Ordinal);
            Assert.Contains(outcomes[1].Value!.Findings, f => f.Rule == "missing-from");
            Assert.Null(outcomes[1].Value!.Message);
            Assert.Equal(OutcomeKind.Error, outcomes[2].Kind);
            Assert.Equal(ErrorIds.PathNotFound, outcomes[2].Error!.ErrorId);
            Assert.Contains("missing.eml", outcomes[2].Error!.Message, StringComparison.Ordinal);

            var flat = new MimeLintRequest();
            flat.Inputs.Add(MimeInput.FromPath(dir));
            Assert.Single(MimeLint.Run(flat));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Mbox_gives_one_report_per_message_with_file_offsets()
    {
        var bytes = File.ReadAllBytes(Fixture("three.mbox"));
        var request = new MimeLintRequest { Mbox = true };
        request.Inputs.Add(MimeInput.FromPath(Fixture("three.mbox")));
        var reports = MimeLint.Run(request).Select(o => o.Value!).ToList();
        Assert.Equal(new[] { 1, 2, 3 }, reports.Select(r => r.MessageIndex));
        Assert.True(reports[0].WellFormed && reports[1].WellFormed);
        var f = Assert.Single(reports[2].Findings);
        Assert.Equal("missing-date", f.Rule);
        var text = Encoding.Latin1.GetString(bytes);
        var third = text.IndexOf("From bob@example.com", StringComparison.Ordinal);
        var start = text.IndexOf('\n', third) + 1;
        Assert.Equal(start, reports[2].StartOffset);
        Assert.Equal(start, f.Offset);
        Assert.Equal(text.Take(start).Count(c => c == '\n') + 1, f.Line);

        // The same through small reads, so separators straddle buffer ends.
        using var slow = new OneByteStream(bytes);
        var again = MimeLint.LintStream(slow, "x", mbox: true).ToList();
        Assert.Equal(reports.Select(r => (r.StartOffset, r.Size, r.Findings.Count)), again.Select(r => (r.StartOffset, r.Size, r.Findings.Count)));
    }

    [Fact]
    public void Rule_filters_and_minimum_severity()
    {
        var (bytes, _) = Build("Subject: only\n\nbody\n", "\r\n");
        Outcome<MimeMessageReport> Run(Action<MimeLintRequest> setup)
        {
            var r = new MimeLintRequest();
            r.Inputs.Add(MimeInput.FromBytes("bytes", bytes));
            setup(r);
            return Assert.Single(MimeLint.Run(r));
        }

        Assert.Equal(new[] { "missing-from", "missing-date", "missing-message-id" }, Run(_ => { }).Value!.Findings.Select(f => f.Rule));
        Assert.Equal(new[] { "missing-from", "missing-date" }, Run(r => r.MinimumSeverity = MimeSeverity.Error).Value!.Findings.Select(f => f.Rule));
        Assert.Equal(new[] { "missing-date" }, Run(r => r.Rules.Add("missing-d*")).Value!.Findings.Select(f => f.Rule));
        Assert.Equal(new[] { "missing-message-id" }, Run(r => r.ExcludeRules.Add("missing-[fd]*")).Value!.Findings.Select(f => f.Rule));
        var ex = Assert.Throws<OutageException>(() => Run(r => r.Rules.Add("no-such-rule")));
        Assert.Equal(ErrorIds.MimeRuleNotFound, ex.Error.ErrorId);
    }

    private sealed class OneByteStream : MemoryStream
    {
        public OneByteStream(byte[] b)
            : base(b, false)
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 3));
    }
}
