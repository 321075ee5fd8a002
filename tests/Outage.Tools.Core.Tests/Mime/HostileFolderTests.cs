using System.Diagnostics;
using Outage.Tools.Core.Mime;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Queue;
using Xunit;

namespace Outage.Tools.Core.Tests.Mime;

/// <summary>Folders a broken system leaves behind (issue 14): FIFOs, devices, link loops, folders that cannot be listed.</summary>
public sealed class HostileFolderTests : IDisposable
{
    private const string Message = "From: a@b.test\r\nTo: c@d.test\r\nSubject: s\r\nDate: Mon, 4 Mar 2024 10:00:00 +0000\r\nMessage-ID: <m@b.test>\r\n\r\nbody\r\n";

    private readonly string _dir = Directory.CreateTempSubdirectory("outage-hostile-folder-").FullName;

    public void Dispose() => Run("rm", "-rf", _dir);

    private static void Run(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { UseShellExecute = false, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var p = Process.Start(start)!;
        Assert.True(p.WaitForExit(30000), $"{tool} did not finish");
        Assert.True(p.ExitCode == 0, $"{tool} {string.Join(' ', args)}: {p.StandardError.ReadToEnd()}");
    }

    private static List<Outcome<MimeMessageReport>> Lint(string path, bool recurse)
    {
        var request = new MimeLintRequest { Recurse = recurse, ThrottleLimit = 2 };
        request.Inputs.Add(MimeInput.FromPath(path));
        return Within(() => MimeLint.Run(request).ToList(), "the scan");
    }

    /// <summary>Runs <paramref name="work"/> on its own task and fails (instead of hanging the suite) after 60 s.</summary>
    private static T Within<T>(Func<T> work, string what)
    {
        var task = Task.Run(work);
        Assert.True(task.Wait(TimeSpan.FromSeconds(60)), what + " hung");
        return task.Result;
    }

    [Fact]
    public void A_FIFO_in_a_scanned_folder_is_skipped_with_a_warning_by_lint_tree_and_the_spool_listing()
    {
        File.WriteAllText(Path.Combine(_dir, "a.eml"), Message);
        Run("mkfifo", Path.Combine(_dir, "b.eml"));
        File.WriteAllText(Path.Combine(_dir, "c.eml"), Message);

        var lint = Lint(_dir, recurse: false);
        Assert.Equal(2, lint.Count(o => o.Kind == OutcomeKind.Result));
        Assert.Contains(lint, o => o.Kind == OutcomeKind.Warning && o.Text!.Contains("b.eml' is a FIFO (named pipe), not a regular file", StringComparison.Ordinal));

        var tree = new MimeStructureRequest();
        tree.Inputs.Add(MimeInput.FromPath(_dir));
        var parts = Within(() => MimeStructure.Run(tree).ToList(), "mime tree");
        Assert.Contains(parts, o => o.Kind == OutcomeKind.Warning && o.Text!.Contains("FIFO", StringComparison.Ordinal));

        var spool = Within(() => QueueSource.ReadMessages(new QueueSourceOptions { Kind = QueueSourceKind.Spool, Path = _dir }).ToList(), "the spool listing");
        Assert.Equal(new[] { "a.eml", "c.eml" }, spool.Where(o => o.Kind == OutcomeKind.Result).Select(o => o.Value!.Id));
        Assert.Contains(spool, o => o.Kind == OutcomeKind.Warning && o.Text!.Contains("FIFO", StringComparison.Ordinal));
    }

    [Fact]
    public void Links_that_loop_are_not_followed_and_every_file_is_reported_once()
    {
        var sub = Directory.CreateDirectory(Path.Combine(_dir, "sub")).FullName;
        File.WriteAllText(Path.Combine(sub, "m.eml"), Message);
        for (var i = 0; i < 3; i++)
        {
            File.CreateSymbolicLink(Path.Combine(sub, "loop" + i), ".");
        }

        File.CreateSymbolicLink(Path.Combine(sub, "up"), _dir);
        var lint = Lint(_dir, recurse: true);
        var report = Assert.Single(lint, o => o.Kind == OutcomeKind.Result);
        Assert.EndsWith("m.eml", report.Value!.Path, StringComparison.Ordinal);
        Assert.Equal(4, lint.Count(o => o.Kind == OutcomeKind.Warning && o.Text!.Contains("links are not followed", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_subfolder_that_cannot_be_listed_is_reported_and_the_rest_is_checked()
    {
        File.WriteAllText(Path.Combine(_dir, "a.eml"), Message);
        // A folder nested so deep that its full path is over PATH_MAX (4096): listing it fails (ENAMETOOLONG) even for root.
        var name = new string('d', 200);
        Run("bash", "-c", $"cd '{_dir}' && for i in $(seq 25); do mkdir {name} && cd {name} || exit 1; done && echo x > deep.eml");
        File.WriteAllText(Path.Combine(_dir, "z.eml"), Message);
        var lint = Lint(_dir, recurse: true);
        Assert.Equal(2, lint.Count(o => o.Kind == OutcomeKind.Result));
        var error = Assert.Single(lint, o => o.Kind == OutcomeKind.Error).Error!;
        Assert.Equal(ErrorIds.PathNotReadable, error.ErrorId);
        Assert.StartsWith("Cannot list the folder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_device_named_as_a_message_is_refused_not_read_forever()
    {
        var lint = Lint("/dev/zero", recurse: false);
        var error = Assert.Single(lint).Error!;
        Assert.Contains("is a character device, not a message file", error.Message, StringComparison.Ordinal);
    }

    /// <summary>An mbox of <paramref name="count"/> messages generated as it is read, counting what was read.</summary>
    private sealed class GeneratedMbox : Stream
    {
        private readonly int _count;
        private byte[] _current = Array.Empty<byte>();
        private int _pos;
        private int _made;

        public GeneratedMbox(int count) => _count = count;

        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_pos == _current.Length)
            {
                if (_made == _count)
                {
                    return 0;
                }

                _made++;
                _current = System.Text.Encoding.ASCII.GetBytes($"From a@b.test Mon Mar  4 10:00:00 2024\n{Message.Replace("\r\n", "\n", StringComparison.Ordinal)}\n");
                _pos = 0;
            }

            var n = Math.Min(count, _current.Length - _pos);
            Array.Copy(_current, _pos, buffer, offset, n);
            _pos += n;
            BytesRead += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class MboxContent : IMessageContent
    {
        public GeneratedMbox Stream { get; } = new(200_000);

        public string ContentName => "generated.mbox";

        public Stream OpenContent(CancellationToken cancellationToken) => Stream;
    }

    [Fact]
    public void Mbox_reports_stream_out_as_each_message_ends_not_when_the_file_ends()
    {
        var content = new MboxContent();
        var request = new MimeLintRequest { Mbox = true };
        request.Inputs.Add(MimeInput.FromMessage(content));
        using var outcomes = MimeLint.Run(request).GetEnumerator();
        Assert.True(outcomes.MoveNext());
        Assert.Equal(1, outcomes.Current.Value!.MessageIndex);
        // 200,000 messages are ~36 MB; the first report comes after the first 64 KiB chunk or so, not after all of them.
        Assert.True(content.Stream.BytesRead < 1 << 20, $"{content.Stream.BytesRead} bytes read before the first report");
    }
}
