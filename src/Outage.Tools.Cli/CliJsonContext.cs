using System.Text.Json.Serialization;
using Outage.Tools.Core.Checks;
using Outage.Tools.Core.Dns;
using Outage.Tools.Core.Endpoints;
using Outage.Tools.Core.Logs;
using Outage.Tools.Core.Mime;
using Outage.Tools.Core.Queue;

namespace Outage.Tools.Cli;

/// <summary>
/// Compile-time JSON metadata for every type the CLI writes as JSON Lines (and each DNS record type, since records
/// are written as their runtime type). Without it System.Text.Json builds that metadata by reflection and emitted
/// code on first use, which cost about 40-50 ms of every `--format json` run's start-up (docs/performance.md).
/// Names and shapes are the same as the reflection-based ones (camelCase, enums as names); a type missing here
/// still works through the reflection fallback in <see cref="CliIO.Json"/>.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(MimeCommands.LintLine))]
[JsonSerializable(typeof(MimePartInfo))]
[JsonSerializable(typeof(MimeRule))]
[JsonSerializable(typeof(DnsResponse))]
[JsonSerializable(typeof(DnsCheckResult))]
[JsonSerializable(typeof(DnsResolverComparison))]
[JsonSerializable(typeof(DnsARecord))]
[JsonSerializable(typeof(DnsAaaaRecord))]
[JsonSerializable(typeof(DnsCnameRecord))]
[JsonSerializable(typeof(DnsDnameRecord))]
[JsonSerializable(typeof(DnsNsRecord))]
[JsonSerializable(typeof(DnsPtrRecord))]
[JsonSerializable(typeof(DnsMxRecord))]
[JsonSerializable(typeof(DnsSoaRecord))]
[JsonSerializable(typeof(DnsTxtRecord))]
[JsonSerializable(typeof(DnsSrvRecord))]
[JsonSerializable(typeof(DnsCaaRecord))]
[JsonSerializable(typeof(DnsDsRecord))]
[JsonSerializable(typeof(DnsDnskeyRecord))]
[JsonSerializable(typeof(DnsRrsigRecord))]
[JsonSerializable(typeof(DnsTlsaRecord))]
[JsonSerializable(typeof(DnsSvcbRecord))]
[JsonSerializable(typeof(DnsUnknownRecord))]
[JsonSerializable(typeof(MailQueueSummary))]
[JsonSerializable(typeof(QueueMessage))]
[JsonSerializable(typeof(QueueShapeRow))]
[JsonSerializable(typeof(QueueSample))]
[JsonSerializable(typeof(QueueActionResult))]
[JsonSerializable(typeof(QueueExportResult))]
[JsonSerializable(typeof(HttpEndpointResult))]
[JsonSerializable(typeof(AutodiscoverResult))]
[JsonSerializable(typeof(SmtpEndpointResult))]
[JsonSerializable(typeof(OutageCheckResult))]
[JsonSerializable(typeof(MailLogEvent))]
[JsonSerializable(typeof(MailLogSummaryRow))]
[JsonSerializable(typeof(MessageDelayRow))]
[JsonSerializable(typeof(Outage.Tools.Core.Headers.ReceivedHop))]
[JsonSerializable(typeof(Outage.Tools.Core.Headers.MessageHeaderReport))]
internal sealed partial class CliJsonContext : JsonSerializerContext
{
}
