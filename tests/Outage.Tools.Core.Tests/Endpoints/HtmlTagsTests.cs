using Outage.Tools.Core.Endpoints;
using Xunit;

namespace Outage.Tools.Core.Tests.Endpoints;

/// <summary>The start-tag tokenizer the OWA probe uses (HTML Living Standard §13.2.5 attribute states).</summary>
public sealed class HtmlTagsTests
{
    [Theory]
    [InlineData("<input type=\"password\">")]
    [InlineData("<input type='password'>")]
    [InlineData("<input type=password>")]
    [InlineData("<INPUT TYPE = PassWord >")]
    [InlineData("<input\ttype\n=\n'password'/>")]
    [InlineData("<input type=\"&#112;assword\">")]
    [InlineData("<input type=\"&#x70;assword\">")]
    [InlineData("<input type=password type=text>")]
    public void Attribute_values_in_every_quoting_case_and_entity_form(string html)
    {
        var tag = Assert.Single(HtmlTags.StartTags(html));
        Assert.Equal("input", tag.Name);
        Assert.Equal("password", tag["type"]!.ToLowerInvariant());
    }

    [Fact]
    public void Comments_scripts_end_tags_and_text_are_not_tags()
    {
        var tags = HtmlTags.StartTags("<!-- <input type=password> --><!DOCTYPE html><script>'<input type=password>'</SCRIPT>" +
                                      "a < b <p class=x>text</p><?php x ?><form action=\"/owa/auth.owa\"><input name=a value=\"x>y\">").ToList();
        Assert.Equal(new[] { "script", "p", "form", "input" }, tags.Select(t => t.Name));
        Assert.Equal("/owa/auth.owa", tags[2]["action"]);
        Assert.Equal("x>y", tags[3]["value"]);
    }

    [Fact]
    public void Unterminated_markup_ends_without_error()
    {
        Assert.Single(HtmlTags.StartTags("<input type='password"));
        Assert.Empty(HtmlTags.StartTags("<!-- never closed <input>"));
        Assert.Equal(3, HtmlTags.StartTags(string.Concat(Enumerable.Repeat("<a>", 10)), maxTags: 3).Count());
    }
}
