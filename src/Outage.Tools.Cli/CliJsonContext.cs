using System.Text.Json.Serialization;

namespace Outage.Tools.Cli;

/// <summary>
/// Compile-time JSON metadata for the outputs where start-up counts (<c>outage mime lint --format json</c> on
/// one large message): building the same metadata by reflection at run time cost about 50 ms of CPU per
/// process (docs/performance.md, Mime). Every other type falls back to reflection (<see cref="CliIO.Json"/>).
/// The names and options match <see cref="CliIO.Json"/>: camelCase properties, enums as names.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(MimeCommands.LintLine))]
internal sealed partial class CliJsonContext : JsonSerializerContext
{
}
