using System.Collections.Generic;
using Outage.Tools.Core.Checks.Providers;

namespace Outage.Tools.Core.Checks;

/// <summary>The providers of the areas that Invoke-OutageCheck and <c>outage check</c> run.</summary>
public static class OutageCheckProviders
{
    public static IReadOnlyList<IOutageCheckProvider> Default() => new List<IOutageCheckProvider>
    {
        new QueueCheckProvider(),
        new MimeCheckProvider(),
        new DnsCheckProvider(),
        new EndpointCheckProvider(),
        new ServiceHealthCheckProvider(),
        new LogCheckProvider(),
    };
}
