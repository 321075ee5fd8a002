namespace Outage.Tools.Core.Mime;

/// <summary>One entry of the rule catalogue. <see cref="Id"/> is API: scripts filter on it.</summary>
public sealed class MimeRule
{
    public MimeRule(string id, MimeRuleArea area, MimeSeverity defaultSeverity, string description, string reference,
        MimeImpact impact = MimeImpact.Nonconforming, string? poisonWhen = null, string? evidence = null)
    {
        Id = id;
        Area = area;
        DefaultSeverity = defaultSeverity;
        Description = description;
        Reference = reference;
        Impact = impact;
        PoisonWhen = poisonWhen ?? (impact == MimeImpact.Poison ? "always" : "never");
        Evidence = evidence ?? NoHarmShown;
    }

    /// <summary>The evidence of a Nonconforming rule that names none of its own.</summary>
    internal const string NoHarmShown =
        "No harm shown on the software here: MimeKit reads the same part tree (tests/Outage.Tools.Mime.Reference.Tests, over the "
        + "fixtures and the real-world and generated corpora), Python email (both policies) reads the same structure, Postfix passes it.";

    /// <summary>Stable rule id, e.g. <c>boundary-close-missing</c>.</summary>
    public string Id { get; }

    /// <summary>Where the rule looks: lines, the header section, MIME structure or size limits.</summary>
    public MimeRuleArea Area { get; }

    /// <summary>The severity of its findings (a few rules raise some findings to Error, as their description says).</summary>
    public MimeSeverity DefaultSeverity { get; }

    public string Description { get; }

    /// <summary>Where the rule comes from, e.g. <c>RFC 5322 §2.1.1</c>.</summary>
    public string Reference { get; }

    /// <summary>
    /// Whether its findings make a message poison in the calibrated profile: never (<see cref="MimeImpact.Nonconforming"/>),
    /// always, or when <see cref="PoisonWhen"/> holds (<see cref="MimeImpact.Conditional"/>).
    /// </summary>
    public MimeImpact Impact { get; }

    /// <summary>The condition under which a finding is poison ("always", "never", or the condition).</summary>
    public string PoisonWhen { get; }

    /// <summary>The harm shown on real software here, and the test that shows it (or why no software here is hurt).</summary>
    public string Evidence { get; }

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

/// <summary>What a rule's findings do to the verdict of a message (see <see cref="MimeVerdict"/>).</summary>
public enum MimeImpact
{
    /// <summary>Its findings break the RFC but hurt no software here: the message is Nonconforming.</summary>
    Nonconforming = 0,

    /// <summary>A finding is poison when the rule's condition (<see cref="MimeRule.PoisonWhen"/>) holds.</summary>
    Conditional = 1,

    /// <summary>Every finding is poison.</summary>
    Poison = 2,
}

/// <summary>
/// The verdict on a message, a second axis beside conformance: Clean (no finding above Info), Nonconforming
/// (RFC findings that are harmless in practice), Poison (likely to stall, be truncated, bounced, split or read
/// differently by the software on its path).
/// </summary>
public enum MimeVerdict
{
    Clean = 0,
    Nonconforming = 1,
    Poison = 2,
}
