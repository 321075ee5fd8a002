using System.Text;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Queue;
using Xunit;

namespace Outage.Tools.Core.Tests.Queue;

/// <summary>
/// Export-Clixml files are read with DTD processing prohibited and no resolver: entity expansion ("billion
/// laughs") and external entities (a local file, a URL) are refused before a single entity is expanded or fetched,
/// with the error naming the file and the reason.
/// </summary>
public sealed class HostileXmlTests
{
    private const string Objs = "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\"><Obj RefId=\"0\"><Props><S N=\"Identity\">&x;</S></Props></Obj></Objs>";

    private static OutageException Refused(string xml)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(xml));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<OutageException>(() => ExchangeInput.ReadClixml(stream, "hostile.xml").ToList());
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 8 << 20, "the refusal allocated more than 8 MB");
        Assert.Equal(ErrorIds.QueueExchangeInputInvalid, ex.Error.ErrorId);
        Assert.Contains("hostile.xml is not an Export-Clixml file", ex.Message);
        Assert.Contains("DTD", ex.Message);
        return ex;
    }

    [Fact]
    public void Billion_laughs_is_refused_without_expanding()
    {
        var dtd = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE Objs [\n<!ENTITY l0 \"lol\">\n");
        for (var i = 1; i <= 9; i++)
        {
            dtd.Append($"<!ENTITY l{i} \"{string.Concat(Enumerable.Repeat($"&l{i - 1};", 10))}\">\n");
        }

        dtd.Append("<!ENTITY x \"&l9;\">\n]>\n");
        Refused(dtd + Objs);
    }

    [Fact]
    public void An_external_entity_naming_a_local_file_is_never_read()
    {
        var secret = Path.Combine(Path.GetTempPath(), "outage-xxe-" + Guid.NewGuid().ToString("N") + ".txt");
        File.WriteAllText(secret, "XXE-SECRET-CONTENT");
        try
        {
            var ex = Refused($"<?xml version=\"1.0\"?>\n<!DOCTYPE Objs [<!ENTITY x SYSTEM \"file://{secret}\">]>\n{Objs}");
            Assert.DoesNotContain("XXE-SECRET-CONTENT", ex.Message);
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public void An_external_entity_naming_a_url_or_a_parameter_entity_is_refused()
    {
        // 127.0.0.1:9 (discard) so that even a resolver that did fetch could reach nothing but loopback.
        Refused($"<?xml version=\"1.0\"?>\n<!DOCTYPE Objs [<!ENTITY x SYSTEM \"http://127.0.0.1:9/x\">]>\n{Objs}");
        Refused($"<?xml version=\"1.0\"?>\n<!DOCTYPE Objs [<!ENTITY % p SYSTEM \"http://127.0.0.1:9/p.dtd\"> %p;]>\n{Objs}");
    }
}
