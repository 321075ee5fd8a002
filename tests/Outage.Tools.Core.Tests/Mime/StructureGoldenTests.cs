using System.Globalization;
using System.Text;
using Outage.Tools.Core.Mime;
using Xunit;
using static Outage.Tools.Core.Tests.Mime.MimeTestKit;

namespace Outage.Tools.Core.Tests.Mime;

/// <summary>Golden files for the part tree: tests/fixtures/mime/&lt;name&gt;.tree.txt (set OUTAGE_UPDATE_GOLDEN=1 to rewrite).</summary>
public sealed class StructureGoldenTests
{
    [Theory]
    [InlineData("valid-nested.eml")]
    [InlineData("valid-digest.eml")]
    [InlineData("valid-simple-8bit.eml")]
    public void Part_tree_matches_the_golden_file(string name)
    {
        var parts = MimeStructure.Parts(MimeInput.FromPath(Fixture(name)));
        var sb = new StringBuilder();
        foreach (var p in parts)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{new string(' ', p.Depth * 2)}{p.Part} {p.ContentType} charset={p.Charset} cte={p.TransferEncoding} disposition={p.Disposition} filename={p.FileName} header={p.HeaderOffset}+{p.HeaderSize} body={p.BodyOffset}+{p.BodySize} lines={p.LineCount}\n");
        }

        var golden = Fixture(name + ".tree.txt");
        if (Environment.GetEnvironmentVariable("OUTAGE_UPDATE_GOLDEN") == "1" || !File.Exists(golden))
        {
            File.WriteAllText(golden, sb.ToString());
        }

        Assert.Equal(File.ReadAllText(golden), sb.ToString());
    }
}
