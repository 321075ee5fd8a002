using Outage.Tools.Core.Headers;
using Xunit;

namespace Outage.Tools.Core.Tests.Headers;

/// <summary>Received chains: the shapes real MTAs write, clock skew, missing dates, and the shared real-world corpus.</summary>
public sealed class ReceivedChainTests
{
    private const string Message = """
        Received: from mail-wr1-f54.google.com (mail-wr1-f54.google.com [209.85.221.54])
        	by mx.contoso.test (Postfix) with ESMTPS id 4B1A2C3D4E
        	for <bob@contoso.test>; Mon, 30 Nov 2026 05:16:10 +0000 (UTC)
        Received: by mail-wr1-f54.google.com with SMTP id a1so123456wrb.3
                for <bob@contoso.test>; Sun, 29 Nov 2026 21:16:20 -0800 (PST)
        Received: from AM0PR01MB1234.eurprd01.prod.exchangelabs.com ([fe80::1]) by
         AM0PR01MB1234.eurprd01.prod.exchangelabs.com ([fe80::1%5]) with mapi id
         15.20.7000.000; Mon, 30 Nov 2026 05:15:00 +0000
        Received: (qmail 12345 invoked from network); 30 Nov 2026 05:14:00 -0000
        Received: from [192.0.2.9] (helo=client.example.test) by exim.example.test with esmtpa (Exim 4.96) (envelope-from <a@example.test>) id 1tPq3A-0001aB-Cd
        Subject: hops

        body
        """;

    private static List<ReceivedHop> Hops(string message)
    {
        using var reader = new StringReader(message);
        return ReceivedChain.Hops(ReceivedChain.ReceivedFields(reader));
    }

    [Fact]
    public void Hops_are_oldest_first_with_fields_delays_skew_and_missing_dates()
    {
        var hops = Hops(Message);
        Assert.Equal(5, hops.Count);
        // Hop 1: Exim's line without a date.
        Assert.True(hops[0].DateMissing);
        Assert.Equal("[192.0.2.9] (helo=client.example.test)", hops[0].From);
        Assert.Equal("exim.example.test", hops[0].By);
        Assert.Equal("1tPq3A-0001aB-Cd", hops[0].Id);
        Assert.StartsWith("esmtpa (Exim 4.96) (envelope-from", hops[0].With, StringComparison.Ordinal);
        // Hop 2: qmail's comment is not split at "from" inside it.
        Assert.Null(hops[1].From);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 5, 14, 0, TimeSpan.Zero), hops[1].Date);
        Assert.Null(hops[1].Delay); // no earlier dated hop
        // Hop 3: Exchange Online, 60 s later.
        Assert.Equal("mapi", hops[2].With);
        Assert.Equal(TimeSpan.FromMinutes(1), hops[2].Delay);
        // Hop 4: Gmail in -0800, 80 s later.
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 21, 16, 20, TimeSpan.FromHours(-8)), hops[3].Date);
        Assert.Equal(TimeSpan.FromSeconds(80), hops[3].Delay);
        Assert.Equal("<bob@contoso.test>", hops[3].For);
        // Hop 5: Postfix, 10 s before the previous hop: clock skew, shown as it is.
        Assert.Equal("(Postfix)", hops[4].By!.Substring(hops[4].By!.IndexOf('(')));
        Assert.Equal("4B1A2C3D4E", hops[4].Id);
        Assert.Equal(TimeSpan.FromSeconds(-10), hops[4].Delay);
        Assert.True(hops[4].ClockSkew);
        Assert.Equal(TimeSpan.FromSeconds(130), ReceivedChain.Total(hops));
    }

    [Fact]
    public void Dates_in_obsolete_and_odd_forms()
    {
        Assert.Equal(new DateTimeOffset(1999, 2, 1, 10, 0, 0, TimeSpan.FromHours(-5)), ReceivedChain.ParseDate(" Mon, 1 Feb 99 10:00:00 EST"));
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 5, 0, 0, 500, TimeSpan.Zero), ReceivedChain.ParseDate("30 Nov 2026 05:00:00.5 GMT"));
        Assert.Null(ReceivedChain.ParseDate(" yesterday"));
        // Zones beyond +-14:00 or with 60+ minutes are no zones (a fuzzed "+2000" used to throw out of Get-MessageHop).
        Assert.Null(ReceivedChain.ParseDate("Mon, 30 Nov 2026 05:00:00 +2000"));
        Assert.Null(ReceivedChain.ParseDate("Mon, 30 Nov 2026 05:00:00 -0160"));
        Assert.Null(ReceivedChain.ParseDate("1 Jan 0001 00:00:00 +1400"));
        Assert.Equal(TimeSpan.FromHours(14), ReceivedChain.ParseDate("Mon, 30 Nov 2026 05:00:00 +1400")!.Value.Offset);
    }

    [Fact]
    public void The_real_world_corpus_chains_are_read()
    {
        var root = "/work/shared/corpus/real-world";
        if (!Directory.Exists(root))
        {
            Assert.Fail($"The shared corpus is missing at {root}.");
        }

        int fields = 0, dated = 0, messages = 0;
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            if (file.EndsWith(".md", StringComparison.Ordinal) || file.EndsWith(".tsv", StringComparison.Ordinal) || file.EndsWith(".txt", StringComparison.Ordinal))
            {
                continue;
            }

            using var reader = new StreamReader(file);
            var received = ReceivedChain.ReceivedFields(reader);
            if (received.Count == 0)
            {
                continue;
            }

            messages++;
            var hops = ReceivedChain.Hops(received);
            Assert.Equal(Enumerable.Range(1, received.Count), hops.Select(h => h.Hop));
            fields += received.Count;
            dated += hops.Count(h => h.Date is not null);
            Assert.All(hops, h => Assert.True(h.From is not null || h.By is not null || h.DateMissing || h.Raw.Length > 0));
        }

        Assert.True(messages >= 80, $"only {messages} corpus messages with Received fields");
        // Real chains nearly always carry a date after the last ';'.
        Assert.True(dated >= fields * 95 / 100, $"{dated} of {fields} Received fields dated");
    }
}
