using System;
using System.Management.Automation;
using Outage.Tools.Core.Operations;

namespace Outage.Tools;

/// <summary>
/// The one convention of every time parameter (-Interval, -Duration, -Timeout, -OlderThan, -BucketWidth):
/// the parameter is a TimeSpan, and this also takes <c>30s</c>, <c>5m</c>, <c>1h</c>, <c>2d</c>, <c>00:05:00</c>
/// and plain numbers, which are seconds (PowerShell's own conversion would read 2 as two ticks). Text of none of
/// these forms fails parameter binding, before the command does any work; ranges are checked by the cmdlet
/// (<see cref="OutageCmdlet.RequireDuration"/>) with an error id of their own.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class TimeSpanTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject pso ? pso.BaseObject : inputData;
        switch (value)
        {
            case null:
            case TimeSpan:
                return value;
            case string s:
                if (Duration.TryParse(s, out var parsed))
                {
                    return parsed;
                }

                throw new ArgumentTransformationMetadataException($"'{s}' is not a duration: write {Duration.Forms}.");
            case sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal:
                if (Duration.FromSeconds(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), out var seconds))
                {
                    return seconds;
                }

                throw new ArgumentTransformationMetadataException($"{value} seconds is not a usable duration.");
            default:
                return inputData;
        }
    }
}
