namespace Outage.Tools.Core;

public static partial class ErrorIds
{
    /// <summary>A rule id given to -Rule/-ExcludeRule/-Id that is not in the catalogue.</summary>
    public const string MimeRuleNotFound = "MimeRuleNotFound";

    /// <summary>A -Profile that is neither a built-in profile name nor a readable, valid profile file.</summary>
    public const string MimeProfileInvalid = "MimeProfileInvalid";
}
