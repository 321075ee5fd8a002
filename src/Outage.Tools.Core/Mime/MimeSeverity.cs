namespace Outage.Tools.Core.Mime;

/// <summary>How bad a finding is. Error: the message is malformed (a poison candidate); Warning: it breaks a
/// SHOULD or a common limit; Info: worth knowing, harmless.</summary>
public enum MimeSeverity
{
    Info = 0,
    Warning = 1,
    Error = 2,
}
