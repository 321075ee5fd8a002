namespace Outage.Tools.Core.Mime;

/// <summary>One entry of the rule catalogue. <see cref="Id"/> is API: scripts filter on it.</summary>
public sealed class MimeRule
{
    public MimeRule(string id, MimeRuleArea area, MimeSeverity defaultSeverity, string description, string reference)
    {
        Id = id;
        Area = area;
        DefaultSeverity = defaultSeverity;
        Description = description;
        Reference = reference;
    }

    /// <summary>Stable rule id, e.g. <c>boundary-close-missing</c>.</summary>
    public string Id { get; }

    /// <summary>Where the rule looks: lines, the header section, MIME structure or size limits.</summary>
    public MimeRuleArea Area { get; }

    /// <summary>The severity of its findings (a few rules raise some findings to Error, as their description says).</summary>
    public MimeSeverity DefaultSeverity { get; }

    public string Description { get; }

    /// <summary>Where the rule comes from, e.g. <c>RFC 5322 §2.1.1</c>.</summary>
    public string Reference { get; }

    public override string ToString() => Id;
}

/// <summary>The part of a message a rule inspects.</summary>
public enum MimeRuleArea
{
    Line,
    Header,
    Mime,
    Limit,
}
