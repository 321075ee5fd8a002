using System.Reflection;
using System.Text.Json;
using Outage.Tools.Core.Serialization;
using Outage.Tools.Core.Mime;
using Xunit;

namespace Outage.Tools.Module.Tests;

/// <summary>End-to-end tests of the `outage` program: help, output formats, exit codes.</summary>
public sealed class CliTests
{
    [Fact]
    public void Help_lists_the_subcommands()
    {
        var r = CliProcess.Run("--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("mime", r.Stdout, StringComparison.Ordinal);
        var mime = CliProcess.Run("mime", "--help");
        Assert.Contains("rules", mime.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_is_the_module_version()
    {
        var r = CliProcess.Run("--version");
        Assert.Equal(0, r.ExitCode);
        var manifest = Psd1.Parse(File.ReadAllText(Repo.PathOf("module", "Outage.Tools.psd1")));
        Assert.StartsWith((string)manifest["ModuleVersion"]!, r.Stdout.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public void Json_output_is_one_object_per_line_with_camelCase_property_names()
    {
        var r = CliProcess.Run("mime", "rules", "--format", "json");
        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(MimeRuleCatalog.All.Count, lines.Length);
        var expected = typeof(MimeRule).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)).OrderBy(n => n).ToList();
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            Assert.Equal(expected, doc.RootElement.EnumerateObject().Select(p => p.Name).OrderBy(n => n).ToList());
        }

        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal(MimeRuleCatalog.All[0].Id, first.RootElement.GetProperty("id").GetString());
        Assert.Equal(MimeRuleCatalog.All[0].DefaultSeverity.ToString(), first.RootElement.GetProperty("defaultSeverity").GetString());
    }

    [Fact]
    public void Table_output_has_a_header_and_a_row_per_rule()
    {
        var r = CliProcess.Run("mime", "rules", "boundary-*");
        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Id", lines[0], StringComparison.Ordinal);
        Assert.Equal(2 + MimeRuleCatalog.All.Count(x => x.Id.StartsWith("boundary-", StringComparison.Ordinal)), lines.Length);
    }

    [Fact]
    public void An_unknown_rule_is_an_error_on_stderr_with_exit_code_2_and_the_rest_still_printed()
    {
        var r = CliProcess.Run("mime", "rules", "nul-byte", "no-such-rule", "--format", "json");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("\"id\":\"nul-byte\"", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("error[MimeRuleNotFound]", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("no-such-rule", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("no-such-rule", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Usage_errors_exit_with_2_and_say_where_help_is()
    {
        var r = CliProcess.Run("mime", "rulez");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("outage --help", r.Stderr, StringComparison.Ordinal);
        var badFormat = CliProcess.Run("mime", "rules", "--format", "xml");
        Assert.Equal(2, badFormat.ExitCode);
    }
}
