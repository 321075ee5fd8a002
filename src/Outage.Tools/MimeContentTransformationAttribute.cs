using System;
using System.Management.Automation;
using System.Text;

namespace Outage.Tools;

/// <summary>
/// Lets -Content (a byte[] parameter) take a string too: the string's UTF-8 octets. The parameter stays typed
/// byte[] so that pipeline binding does not grab FileInfo or other objects meant for -Path or -InputObject.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class MimeContentTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject pso ? pso.BaseObject : inputData;
        return value switch
        {
            string s => Encoding.UTF8.GetBytes(s),
            object[] objects when Array.TrueForAll(objects, o => (o is PSObject p ? p.BaseObject : o) is byte) =>
                Array.ConvertAll(objects, o => (byte)(o is PSObject p ? p.BaseObject : o)),
            _ => inputData,
        };
    }
}
