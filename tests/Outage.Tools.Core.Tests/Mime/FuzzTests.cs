using Outage.Tools.Core.Mime;
using Xunit;
using static Outage.Tools.Core.Tests.Mime.MimeTestKit;

namespace Outage.Tools.Core.Tests.Mime;

/// <summary>
/// Mutation fuzzing (bounded for CI: 20,000 mutations; set OUTAGE_FUZZ_COUNT for longer offline runs): no
/// exception escapes, every octet is consumed exactly once (work is linear: the linter has no second pass),
/// and findings stay bounded.
/// </summary>
public sealed class FuzzTests
{
    [Fact]
    public void Mutations_of_the_fixtures_never_throw_and_stay_linear()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("OUTAGE_FUZZ_COUNT"), out var n) ? n : 20_000;
        var seeds = new List<byte[]>
        {
            File.ReadAllBytes(Fixture("valid-nested.eml")),
            File.ReadAllBytes(Fixture("valid-digest.eml")),
            File.ReadAllBytes(Fixture("valid-simple-8bit.eml")),
            File.ReadAllBytes(Fixture("three.mbox")),
        };
        var tokens = new[] { "\r", "\n", "\r\n", "--", "--outer=_1", "--outer=_1--", "--inner=_2", "=?", "?=", "=?utf-8?B?", ":", " ", "\0", "\u00ff", "=", "%", "*0*=", "\"", "(", "<", ">", "@", ";", "boundary=", "Content-Type: multipart/mixed; boundary=x\r\n", "Content-Type: message/rfc822\r\n\r\n" }
            .Select(t => System.Text.Encoding.Latin1.GetBytes(t)).ToArray();
        var random = new Random(20240304);
        var maxFindings = MimeRuleCatalog.All.Count * new MimeLintOptions().MaxFindingsPerRule;
        for (var i = 0; i < count; i++)
        {
            var seed = seeds[i % seeds.Count];
            var data = new List<byte>(seed);
            var edits = 1 + random.Next(8);
            for (var k = 0; k < edits; k++)
            {
                var at = random.Next(data.Count + 1);
                switch (random.Next(4))
                {
                    case 0 when data.Count > 0:
                        data.RemoveRange(Math.Min(at, data.Count - 1), Math.Min(random.Next(1, 64), data.Count - Math.Min(at, data.Count - 1)));
                        break;
                    case 1:
                        data.InsertRange(at, tokens[random.Next(tokens.Length)]);
                        break;
                    case 2 when at < data.Count:
                        data[at] = (byte)random.Next(256);
                        break;
                    default:
                        var from = random.Next(data.Count);
                        var len = Math.Min(random.Next(1, 200), data.Count - from);
                        data.InsertRange(at, data.GetRange(from, len));
                        break;
                }
            }

            var bytes = data.ToArray();
            var linter = new MimeLinter(null, "fuzz", recordParts: (i & 1) == 0);
            var chunk = 1 + random.Next(bytes.Length + 1);
            for (var p = 0; p < bytes.Length; p += chunk)
            {
                linter.Feed(bytes, p, Math.Min(chunk, bytes.Length - p));
            }

            var findings = linter.Finish();
            Assert.Equal(bytes.Length, linter.BytesProcessed);
            Assert.True(findings.Count <= maxFindings);
            Assert.All(findings, f => Assert.InRange(f.Offset, 0, Math.Max(bytes.Length, 0) + 1));

            if (i % 1000 == 0)
            {
                using var ms = new MemoryStream(bytes);
                Assert.NotEmpty(MimeLint.LintStream(ms, "fuzz", mbox: true).ToList());
            }
        }
    }
}
