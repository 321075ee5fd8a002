using System.Diagnostics;
using System.Text;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Queue;
using Xunit;

namespace Outage.Tools.Core.Tests.Queue;

/// <summary>
/// A real Exim 4 unpacked beside Postfix (tests/peers/install.d/queue-exim.sh; real-peers.md section 3) with a
/// private spool: messages queued with -odq (deferred, never delivered), one frozen with -Mf.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class EximQueueFixture : IDisposable
{
    public const string Binary = "/opt/outage-peers/exim/root/usr/sbin/exim4";

    public EximQueueFixture()
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"Exim is not unpacked at {Binary}: run 'bash tests/peers/install.sh' as root.");
        }

        Root = Directory.CreateTempSubdirectory("outage-exim-").FullName;
        File.SetUnixFileMode(Root, (UnixFileMode)0x1ED); // 0755: exim drops to the mail user
        Directory.CreateDirectory(Path.Combine(Root, "spool"));
        Directory.CreateDirectory(Path.Combine(Root, "log"));
        Config = Path.Combine(Root, "exim.conf");
        File.WriteAllText(Config, $"""
            primary_hostname = vm.test
            domainlist local_domains = vm.test
            spool_directory = {Root}/spool
            log_file_path = {Root}/log/%slog
            exim_user = mail
            exim_group = mail
            never_users =
            qualify_domain = vm.test
            acl_smtp_rcpt = accept
            keep_environment =
            host_lookup =
            rfc1413_hosts =
            begin routers
            smarthost:
              driver = manualroute
              domains = ! +local_domains
              route_list = * 127.0.0.3::2599 byname
              transport = remote_smtp
              self = send
            begin transports
            remote_smtp:
              driver = smtp
              allow_localhost
            begin retry
            *   *   F,2h,15m; G,16h,1h,1.5; F,4d,6h
            """.Replace("            ", string.Empty));
        Run("chown", "-R", "mail:mail", Path.Combine(Root, "spool"), Path.Combine(Root, "log"));
        Contents = new List<byte[]>();
        for (var i = 0; i < 6; i++)
        {
            var domain = PostfixQueueFixture.Domains[i % 5];
            var message = Encoding.ASCII.GetBytes($"From: s@vm.test\nTo: u{i}@{domain}\nSubject: e{i}\nMessage-ID: <e{i}@vm.test>\n\nline {i}\n.dot\n");
            Contents.Add(message);
            Run(Binary, message, "-C", Config, "-odq", "-f", "s@vm.test", $"u{i}@{domain}");
        }
    }

    public string Root { get; }

    public string Config { get; }

    public List<byte[]> Contents { get; }

    public QueueSourceOptions Source => new() { Kind = QueueSourceKind.Exim, EximPath = Binary, EximConfig = Config };

    public string Run(string file, params string[] args) => Run(file, null, args);

    public static string Run(string file, byte[]? stdin, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        if (stdin is not null)
        {
            p.StandardInput.BaseStream.Write(stdin);
            p.StandardInput.Close();
        }

        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(true);
            throw new TimeoutException(file);
        }

        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {err.Result}");
        }

        return output;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, true);
        }
        catch (IOException)
        {
        }
    }
}

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class EximLiveTests : IClassFixture<EximQueueFixture>
{
    private readonly EximQueueFixture _f;

    public EximLiveTests(EximQueueFixture f) => _f = f;

    private List<QueueMessage> List() => QueueSource.ReadMessages(_f.Source).Select(o => o.Value!).ToList();

    [Fact]
    public void Listing_freeze_thaw_content_and_delete_against_real_exim()
    {
        var messages = List();
        Assert.Equal(int.Parse(_f.Run(EximQueueFixture.Binary, "-C", _f.Config, "-bpc").Trim()), messages.Count);
        Assert.Equal(6, messages.Count);
        Assert.All(messages, m => Assert.Equal("Deferred", m.State));
        Assert.All(messages, m => Assert.Equal(QueueSourceKind.Exim, m.Source));

        // Content: the header section Exim stored (its own Received and Date added first) and the exact body.
        var first = messages.Single(m => m.Recipients[0].Address == "u0@contoso.test");
        using (var s = first.OpenContent(CancellationToken.None))
        using (var ms = new MemoryStream())
        {
            s.CopyTo(ms);
            var text = Encoding.ASCII.GetString(ms.ToArray());
            Assert.StartsWith("Received: from ", text, StringComparison.Ordinal);
            Assert.Contains("\r\nSubject: e0\r\nMessage-ID: <e0@vm.test>\r\n", text, StringComparison.Ordinal);
            Assert.EndsWith("\r\n\r\nline 0\r\n.dot\r\n", text, StringComparison.Ordinal);
            Assert.DoesNotContain("\n\n", text.Replace("\r\n", "|"), StringComparison.Ordinal);
        }

        var frozen = QueueActions.Apply(new[] { first }, QueueAction.Hold).Single();
        Assert.Equal(QueueActionState.Succeeded, frozen.Value!.State);
        Assert.Equal("Frozen", frozen.Value.Message!.State);

        // Freezing a frozen message is nothing to do: exim says "is already frozen", the result is Unchanged with a note.
        var again = QueueActions.Apply(new[] { first }, QueueAction.Hold).ToList();
        Assert.Equal(QueueActionState.Unchanged, again.Single(o => o.Kind == OutcomeKind.Result).Value!.State);
        Assert.Contains(again, o => o.Kind == OutcomeKind.Verbose && o.Text!.Contains("already on hold", StringComparison.Ordinal));
        var listing = _f.Run(EximQueueFixture.Binary, "-C", _f.Config, "-bp");
        Assert.Contains($"{first.Id} <s@vm.test> *** frozen ***", listing, StringComparison.Ordinal);
        Assert.Equal(1, listing.Split('\n').Count(l => l.Contains("*** frozen ***", StringComparison.Ordinal)));
        var now = List();
        Assert.Equal("Frozen", now.Single(m => m.Id == first.Id).State);
        var summary = QueueOperations.Summarize(QueueSource.ReadMessages(_f.Source)).Single().Value!;
        Assert.Equal(1, summary.States["Frozen"]);

        Assert.True(QueueActions.Apply(new[] { first }, QueueAction.Release).Single().Value!.Succeeded);
        Assert.DoesNotContain("frozen", _f.Run(EximQueueFixture.Binary, "-C", _f.Config, "-bp"), StringComparison.Ordinal);

        var victim = now.Single(m => m.Recipients[0].Address == "u1@fabrikam.test");
        Assert.True(QueueActions.Apply(new[] { victim }, QueueAction.Delete).Single().Value!.Succeeded);
        var after = List();
        Assert.Equal(5, after.Count);
        Assert.DoesNotContain(after, m => m.Id == victim.Id);

        // Vanished since listing: an ObjectNotFound error.
        var vanished = QueueActions.Apply(new[] { victim }, QueueAction.Hold).Single();
        Assert.Equal(OutcomeKind.Error, vanished.Kind);
        Assert.Equal(OutageErrorCategory.ObjectNotFound, vanished.Error!.Category);
        Assert.Equal(OutcomeKind.Warning, QueueActions.Export(new[] { victim }, null, QueueExportName.QueueId, false).Single().Kind);

        // The matrix over the live Exim queue.
        var shape = QueueOperations.Shape(QueueSource.ReadMessages(_f.Source), new QueueShapeOptions()).Select(o => o.Value!).ToList();
        Assert.Equal(5, shape[0].Total);
        Assert.Equal(5, shape[0].Buckets[0]);
    }
}
