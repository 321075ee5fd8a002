using System.Collections.Generic;

namespace Outage.Tools.Core.Checks;

/// <summary>The providers of the four areas that Invoke-OutageCheck and <c>outage check</c> run.</summary>
public static class OutageCheckProviders
{
    public static IReadOnlyList<IOutageCheckProvider> Default() => new List<IOutageCheckProvider>
    {
    };
}
