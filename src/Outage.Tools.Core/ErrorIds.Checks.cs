namespace Outage.Tools.Core;

public static partial class ErrorIds
{
    // Checks error ids go here.
}
