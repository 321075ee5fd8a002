using System.Collections.Generic;
using System.Threading;

namespace Outage.Tools.Core.Checks;

/// <summary>
/// The checks of one area. <see cref="Plan"/> lists the independent units of work for a configuration (one per
/// domain, URL, queue, folder…), so the runner can run them concurrently and turn each unit's crash or timeout
/// into an Error result of its own.
/// </summary>
public interface IOutageCheckProvider
{
    CheckArea Area { get; }

    IEnumerable<CheckUnit> Plan(OutageCheckConfiguration configuration);
}

/// <summary>One unit of work: what it checks (for the Error result if it crashes) and how.</summary>
public sealed class CheckUnit
{
    public CheckUnit(CheckArea area, string target, string check, System.Func<CancellationToken, IEnumerable<OutageCheckResult>> run)
    {
        Area = area;
        Target = target;
        Check = check;
        Run = run;
    }

    public CheckArea Area { get; }

    public string Target { get; }

    /// <summary>The check id (or a family name such as <c>mail-domain</c>) used for an Error result.</summary>
    public string Check { get; }

    public System.Func<CancellationToken, IEnumerable<OutageCheckResult>> Run { get; }
}
