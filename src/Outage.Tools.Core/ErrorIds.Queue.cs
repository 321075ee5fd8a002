namespace Outage.Tools.Core;

public static partial class ErrorIds
{
    // Queue error ids go here.
}
