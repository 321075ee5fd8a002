using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using Outage.Tools.Core.Dns;
using Outage.Tools.Core.Operations;

namespace Outage.Tools;

/// <summary>Tab completion of DNS record types for -Type, with what each type is for.</summary>
public sealed class DnsRecordTypeCompleter : IArgumentCompleter
{
    private static readonly Dictionary<DnsRecordType, string> Descriptions = new()
    {
        [DnsRecordType.A] = "IPv4 address (RFC 1035)",
        [DnsRecordType.AAAA] = "IPv6 address (RFC 3596)",
        [DnsRecordType.MX] = "Mail exchanger (RFC 1035, Null MX RFC 7505)",
        [DnsRecordType.TXT] = "Text: SPF, DMARC, DKIM, MTA-STS, TLS-RPT (RFC 1035)",
        [DnsRecordType.CNAME] = "Canonical name (alias) (RFC 1035)",
        [DnsRecordType.NS] = "Name servers of a zone (RFC 1035)",
        [DnsRecordType.SOA] = "Start of authority: serial and timers (RFC 1035)",
        [DnsRecordType.SRV] = "Service location, e.g. _autodiscover._tcp (RFC 2782)",
        [DnsRecordType.PTR] = "Reverse lookup (RFC 1035)",
        [DnsRecordType.CAA] = "Certificate authority authorization (RFC 8659)",
        [DnsRecordType.DNAME] = "Subtree redirection (RFC 6672)",
        [DnsRecordType.DS] = "Delegation signer (RFC 4034)",
        [DnsRecordType.DNSKEY] = "DNSSEC public key (RFC 4034)",
        [DnsRecordType.RRSIG] = "DNSSEC signature (RFC 4034)",
        [DnsRecordType.TLSA] = "DANE certificate association (RFC 6698)",
        [DnsRecordType.SVCB] = "Service binding (RFC 9460)",
        [DnsRecordType.HTTPS] = "HTTPS service binding (RFC 9460)",
    };

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var typed = (wordToComplete ?? string.Empty).Trim('\'', '"');
        var pattern = new Wildcard(Wildcard.ContainsWildcard(typed) ? typed : typed + "*");
        foreach (DnsRecordType type in Enum.GetValues(typeof(DnsRecordType)))
        {
            var name = type.ToString();
            if (pattern.IsMatch(name))
            {
                var description = Descriptions.TryGetValue(type, out var d) ? d : name;
                yield return new CompletionResult(name, name, CompletionResultType.ParameterValue, description);
            }
        }
    }
}
