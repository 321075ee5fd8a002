using System.Text;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Queue;
using Xunit;

namespace Outage.Tools.Core.Tests.Queue;

/// <summary>Queue listings and files a broken or hostile system produces (issue 14): one bad item never loses the rest.</summary>
public sealed class HostileQueueInputTests : IDisposable
{
    private const string Objs = "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">";

    private readonly string _dir = Directory.CreateTempSubdirectory("outage-hostile-queue-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Message(int n) => $"<Obj RefId=\"m{n}\"><Props><S N=\"Identity\">EX\\q\\{n}</S><S N=\"FromAddress\">a@b.test</S></Props></Obj>";

    [Fact]
    public void Clixml_nested_40000_levels_is_a_clear_error_not_a_stack_overflow()
    {
        var sb = new StringBuilder(Objs).Append(Message(1));
        sb.Append("<Obj><Props>");
        for (var i = 0; i < 40000; i++)
        {
            sb.Append("<Obj N=\"x\"><Props>");
        }

        for (var i = 0; i < 40000; i++)
        {
            sb.Append("</Props></Obj>");
        }

        sb.Append("</Props></Obj></Objs>");
        var path = Write("deep.clixml", sb.ToString());
        var o = QueueSource.ReadMessages(new QueueSourceOptions { Kind = QueueSourceKind.Exchange, Path = path, Clixml = true }).ToList();
        Assert.Equal(2, o.Count);
        Assert.Equal(@"EX\q\1", o[0].Value!.Id);
        Assert.Contains($"nested deeper than {ExchangeInput.MaxClixmlDepth} levels", o[1].Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Clixml_integer_overflow_loses_that_object_only_with_its_line()
    {
        var bad = "<Obj RefId=\"b\"><Props><S N=\"Identity\">EX\\q\\2</S><I32 N=\"RetryCount\">99999999999999999999</I32></Props></Obj>";
        var path = Write("overflow.clixml", Objs + Message(1) + "\n" + bad + "\n" + Message(3) + "</Objs>");
        var o = QueueSource.ReadMessages(new QueueSourceOptions { Kind = QueueSourceKind.Exchange, Path = path, Clixml = true }).ToList();
        Assert.Equal(3, o.Count);
        Assert.Equal(@"EX\q\1", o[0].Value!.Id);
        Assert.Equal(OutcomeKind.Error, o[1].Kind);
        Assert.Contains("Object 2 (line 2)", o[1].Error!.Message, StringComparison.Ordinal);
        Assert.Contains("<I32> value '99999999999999999999'", o[1].Error!.Message, StringComparison.Ordinal);
        Assert.Equal(@"EX\q\3", o[2].Value!.Id);
    }

    private const string Good = "{\"queue_name\":\"deferred\",\"queue_id\":\"ABC\",\"arrival_time\":1795219000,\"message_size\":10,\"sender\":\"a@b.test\",\"recipients\":[{\"address\":\"c@d.test\"}]}";

    [Theory]
    [InlineData("99999999999999")]
    [InlineData("-99999999999999")]
    public void Postqueue_line_with_an_out_of_range_arrival_time_is_a_located_error_and_the_rest_is_listed(string time)
    {
        var text = Good + "\n" + Good.Replace("1795219000", time, StringComparison.Ordinal).Replace("ABC", "BAD", StringComparison.Ordinal) + "\n" + Good.Replace("ABC", "DEF", StringComparison.Ordinal) + "\n";
        var o = PostqueueJsonReader.Read(new StringReader(text), "q.jsonl", QueueSourceKind.PostqueueJson, "h", DateTimeOffset.UtcNow).ToList();
        Assert.Equal(new[] { "ABC", null, "DEF" }, o.Select(x => x.Value?.Id));
        Assert.Contains("Line 2 of q.jsonl", o[1].Error!.Message, StringComparison.Ordinal);
        Assert.Contains("arrival_time", o[1].Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Postqueue_line_over_the_cap_is_skipped_without_being_kept()
    {
        var huge = "{\"queue_id\":\"" + new string('x', PostqueueJsonReader.MaxLineLength + 10) + "\"}";
        var o = PostqueueJsonReader.Read(new StringReader(Good + "\n" + huge + "\n" + Good + "\n"), "q.jsonl", QueueSourceKind.PostqueueJson, "h", DateTimeOffset.UtcNow).ToList();
        Assert.Equal(3, o.Count);
        Assert.Contains("Line 2 of q.jsonl is longer than", o[1].Error!.Message, StringComparison.Ordinal);
        Assert.Equal("ABC", o[2].Value!.Id);
    }

    [Fact]
    public void Exim_ages_out_of_range_and_a_50_MB_line_are_located_errors_and_the_rest_is_listed()
    {
        var text = "25m  2.9K 1xUYNP-0004Zd-1Y <a@b.test>\n          c@d.test\n\n" +
                   "9999999999d  2.9K 1xUYNP-0004Zd-2Y <a@b.test>\n          c@d.test\n\n" +
                   "1m  1K 1xUYNP-0004Zd-3Y <" + new string('a', 50 << 20) + ">\n\n" +
                   "2h  1K 1xUYNP-0004Zd-4Y <e@f.test>\n          g@h.test\n";
        var o = EximListingReader.Read(new StringReader(text), "bp.txt", QueueSourceKind.EximListing, "h", DateTimeOffset.UtcNow).ToList();
        Assert.Equal("1xUYNP-0004Zd-1Y", o[0].Value!.Id);
        Assert.Equal("1xUYNP-0004Zd-4Y", o[^1].Value!.Id);
        Assert.Equal(TimeSpan.FromHours(2), o[^1].Value!.Age);
        var errors = o.Where(x => x.Kind == OutcomeKind.Error).Select(x => x.Error!.Message).ToList();
        Assert.Contains(errors, e => e.Contains("Line 4 of bp.txt", StringComparison.Ordinal) && e.Contains("'9999999999d' is out of range", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Line 7 of bp.txt", StringComparison.Ordinal) && e.Contains("longer than", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("9999999999d")]
    [InlineData("99999999999999w")]
    public void Exim_age_parser_refuses_what_a_TimeSpan_cannot_hold(string age)
    {
        Assert.False(QueueText.TryParseEximAge(age, out _));
    }

    [Fact]
    public void Export_by_message_id_gives_duplicates_unique_names_and_shortens_a_300_character_id()
    {
        var spool = Directory.CreateDirectory(Path.Combine(_dir, "spool")).FullName;
        var longId = new string('x', 300) + "@example.test";
        for (var i = 1; i <= 3; i++)
        {
            File.WriteAllText(Path.Combine(spool, $"m{i}.eml"), $"From: a@b.test\r\nMessage-ID: <same@b.test>\r\nSubject: {i}\r\n\r\nbody {i}\r\n");
        }

        File.WriteAllText(Path.Combine(spool, "m4.eml"), $"From: a@b.test\r\nMessage-ID: <{longId}>\r\n\r\nlong\r\n");
        var messages = QueueSource.ReadMessages(new QueueSourceOptions { Kind = QueueSourceKind.Spool, Path = spool }).Select(o => o.Value!).ToList();
        var target = Path.Combine(_dir, "out");
        var exported = QueueActions.Export(messages, target, QueueExportName.MessageId, overwrite: true).ToList();
        Assert.All(exported, o => Assert.Equal(OutcomeKind.Result, o.Kind));
        var paths = exported.Select(o => Path.GetFileName(o.Value!.Path!)).ToList();
        Assert.Equal(new[] { "same@b.test.eml", "same@b.test-2.eml", "same@b.test-3.eml" }, paths.Take(3));
        for (var i = 1; i <= 3; i++)
        {
            Assert.Contains($"body {i}", File.ReadAllText(exported[i - 1].Value!.Path!), StringComparison.Ordinal);
        }

        Assert.StartsWith(new string('x', 100) + "-", paths[3], StringComparison.Ordinal);
        Assert.True(paths[3].Length < 130);
        Assert.Equal(4, Directory.GetFiles(target).Length);
    }

    [Fact]
    public void Queue_shape_bucket_count_is_range_checked_before_anything_is_allocated()
    {
        var ex = Assert.Throws<OutageException>(() => QueueOperations.Labels(new QueueShapeOptions { BucketCount = 100_000_000 }));
        Assert.Contains("BucketCount must be between 1 and 100", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(QueueSourceKind.PostqueueJson)]
    [InlineData(QueueSourceKind.EximListing)]
    public void A_device_given_as_a_saved_listing_is_refused_not_read_forever(QueueSourceKind kind)
    {
        var ex = Assert.Throws<OutageException>(() => QueueSource.ReadMessages(new QueueSourceOptions { Kind = kind, Path = "/dev/zero" }).ToList());
        Assert.Contains("is a character device, not a queue file", ex.Message, StringComparison.Ordinal);
    }
}
