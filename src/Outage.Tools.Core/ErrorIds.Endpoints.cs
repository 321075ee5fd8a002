namespace Outage.Tools.Core;

public static partial class ErrorIds
{
    // Endpoints error ids go here.
}
