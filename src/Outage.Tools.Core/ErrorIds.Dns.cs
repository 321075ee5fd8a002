namespace Outage.Tools.Core;

public static partial class ErrorIds
{
    // Dns error ids go here.
}
