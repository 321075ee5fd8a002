using System.Diagnostics;
using System.Text;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Queue;
using Outage.Tools.Core.Tests.Mime;
using Xunit;
using Xunit.Abstractions;

namespace Outage.Tools.Core.Tests.Queue;

/// <summary>
/// A postqueue -j or exim -bp listing that comes through a pipe has no length to stop at (issue 14): a FIFO that never
/// ends (a writer looping, /dev/stdin from a stuck command) is read up to <see cref="QueueSource.MaxPipedListingChars"/>
/// (made small here), then a LimitsExceeded error names the source and says to save the listing to a file; the heap
/// stays bounded meanwhile. A saved file larger than that cap is read whole, as before. Real FIFOs (mkfifo) and a real
/// writer; memory is measured, so these run in the MemoryMeasured collection.
/// </summary>
[Collection(nameof(MemoryMeasured))]
public sealed class PipedListingTests : IDisposable
{
    private const long Cap = 4L << 20;

    private const string JsonLine = "{\"queue_name\": \"deferred\", \"queue_id\": \"3CE46B20032\", \"arrival_time\": 1795219076, \"message_size\": 334, " +
        "\"forced_expire\": false, \"sender\": \"sender@vm.test\", \"recipients\": [{\"address\": \"user34@adatum.test\", " +
        "\"delay_reason\": \"delivery temporarily suspended: connect to 127.0.0.1[127.0.0.1]:2599: Connection refused\"}]}\n";

    private const string EximEntry = "25m  2.9K 1xUYNP-0004Zd-1Y <sender@vm.test>\n          user@adatum.test\n\n";

    private readonly string _dir = Directory.CreateTempSubdirectory("outage-piped-listing-").FullName;
    private readonly ITestOutputHelper _out;

    public PipedListingTests(ITestOutputHelper output) => _out = output;

    public void Dispose() => Directory.Delete(_dir, true);

    [Theory]
    [InlineData(QueueSourceKind.PostqueueJson, JsonLine, "QueueJsonInvalid", "postqueue -j > queue.jsonl")]
    [InlineData(QueueSourceKind.EximListing, EximEntry, "QueueListingInvalid", "exim -bpr > queue.txt")]
    public void A_FIFO_that_never_ends_is_read_up_to_the_cap_then_refused_with_an_error_naming_it(QueueSourceKind kind, string entry, string id, string advice)
    {
        var fifo = Path.Combine(_dir, "listing");
        MakeFifo(fifo);
        // The writer would give 16 times the cap (bounded, so the test ends even without the cap); it stops when the
        // reader closes its end (EPIPE).
        var written = 0L;
        var writer = new Thread(() =>
        {
            var bytes = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(entry, 64)));
            try
            {
                using var w = new FileStream(fifo, FileMode.Open, FileAccess.Write);
                while (written < 16 * Cap)
                {
                    w.Write(bytes);
                    written += bytes.Length;
                }
            }
            catch (IOException)
            {
                // The reader stopped and closed the pipe.
            }
        }) { IsBackground = true };
        writer.Start();

        var options = new QueueSourceOptions { Kind = kind, Path = fifo, MaxPipedChars = Cap };
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var peak = 0L;
        var messages = 0L;
        var errors = new List<ItemError>();
        foreach (var o in QueueSource.ReadMessages(options))
        {
            if (o.Kind == OutcomeKind.Result)
            {
                if (++messages % 5000 == 0)
                {
                    peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
                }
            }
            else if (o.Kind == OutcomeKind.Error)
            {
                errors.Add(o.Error!);
            }
        }

        Assert.True(writer.Join(TimeSpan.FromSeconds(60)), "the writer was not released");
        _out.WriteLine($"{kind}: {messages:N0} messages, {written:N0} bytes written, heap growth at most {peak / 1024.0 / 1024:0.0} MB");
        var error = Assert.Single(errors);
        Assert.Equal(id, error.ErrorId);
        Assert.Equal(OutageErrorCategory.LimitsExceeded, error.Category);
        Assert.Contains($"{fifo} gave more than 4,194,304 characters", error.Message, StringComparison.Ordinal);
        Assert.Contains(advice, error.RecommendedAction!, StringComparison.Ordinal);
        Assert.Equal(fifo, error.Target);
        // Read up to the cap (every whole entry in it), not a byte further: the writer was cut off.
        var perEntry = (long)entry.Length;
        Assert.InRange(messages, Cap / perEntry - 1, Cap / perEntry + 1);
        Assert.True(written < 16 * Cap, "the writer was not cut off");
        Assert.True(peak < 32L << 20, $"heap grew by {peak:N0} bytes");
    }

    [Theory]
    [InlineData(QueueSourceKind.PostqueueJson, JsonLine)]
    [InlineData(QueueSourceKind.EximListing, EximEntry)]
    public void A_saved_file_larger_than_the_cap_is_read_whole(QueueSourceKind kind, string entry)
    {
        var path = Path.Combine(_dir, "saved");
        var count = (int)(2 * Cap / entry.Length) + 10;
        File.WriteAllText(path, string.Concat(Enumerable.Repeat(entry, count)));
        var options = new QueueSourceOptions { Kind = kind, Path = path, MaxPipedChars = Cap };
        var outcomes = QueueSource.ReadMessages(options).Select(o => o.Kind).ToList();
        Assert.Equal(count, outcomes.Count(k => k == OutcomeKind.Result));
        Assert.DoesNotContain(OutcomeKind.Error, outcomes);
    }

    [Fact]
    public void The_default_cap_is_one_gibi_character_and_is_what_options_start_with()
    {
        Assert.Equal(1L << 30, QueueSource.MaxPipedListingChars);
        Assert.Equal(QueueSource.MaxPipedListingChars, new QueueSourceOptions().MaxPipedChars);
    }

    private static void MakeFifo(string path)
    {
        var start = new ProcessStartInfo("mkfifo") { UseShellExecute = false, RedirectStandardError = true };
        start.ArgumentList.Add(path);
        using var p = Process.Start(start)!;
        Assert.True(p.WaitForExit(30000), "mkfifo did not finish");
        Assert.True(p.ExitCode == 0, p.StandardError.ReadToEnd());
    }
}
