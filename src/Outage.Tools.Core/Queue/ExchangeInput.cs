using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Xml;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Queue;

/// <summary>
/// Exchange Get-Queue / Get-Message objects as property bags: piped objects (the module reads their
/// properties by name, deserialized ones included), Export-Csv files and Export-Clixml files. Property names
/// are those Exchange documents: Get-Queue: Identity, Status, DeliveryType, MessageCount, NextHopDomain,
/// LastError, Velocity, IncomingRate, OutgoingRate; Get-Message: Identity, FromAddress, Recipients, Size,
/// DateReceived, Subject, InternetMessageId, RetryCount, Status, Queue, LastError.
/// </summary>
public static class ExchangeInput
{
    /// <summary>True when the bag looks like a Get-Message object (it has FromAddress or DateReceived).</summary>
    public static bool IsMessage(IReadOnlyDictionary<string, object?> p) =>
        p.ContainsKey("FromAddress") || p.ContainsKey("DateReceived") || p.ContainsKey("InternetMessageId");

    /// <summary>True when the bag is a (deserialized) Outage.Tools queue message, e.g. from Invoke-Command.</summary>
    public static bool IsQueueMessage(IReadOnlyDictionary<string, object?> p) =>
        p.ContainsKey("Id") && p.ContainsKey("Sender") && p.ContainsKey("Recipients") && p.ContainsKey("ContentName");

    /// <summary>A deserialized queue message back as a typed one (its content cannot be read remotely).</summary>
    public static QueueMessage FromQueueMessage(IReadOnlyDictionary<string, object?> p)
    {
        var m = new QueueMessage
        {
            Source = Enum.TryParse<QueueSourceKind>(Text(p, "Source") ?? string.Empty, true, out var k) ? k : QueueSourceKind.Postfix,
            ComputerName = Text(p, "ComputerName") ?? Text(p, "PSComputerName") ?? string.Empty,
            Id = Text(p, "Id") ?? string.Empty,
            Queue = Text(p, "Queue") ?? string.Empty,
            State = Text(p, "State") ?? string.Empty,
            Sender = Text(p, "Sender") ?? string.Empty,
            Size = Size(p.TryGetValue("Size", out var s) ? s : null),
            ArrivalTime = Date(p, "ArrivalTime"),
            LastError = Text(p, "LastError"),
            NextHop = Text(p, "NextHop"),
            Subject = Text(p, "Subject"),
            InternetMessageId = Text(p, "InternetMessageId"),
            RetryCount = (int?)Number(p, "RetryCount"),
        };
        if (p.TryGetValue("Age", out var age) && age is TimeSpan a)
        {
            m.Age = a;
        }

        var recipients = new List<QueueRecipient>();
        if (p.TryGetValue("Recipients", out var r) && r is IEnumerable<object?> list)
        {
            foreach (var item in list)
            {
                if (item is IReadOnlyDictionary<string, object?> d)
                {
                    recipients.Add(new QueueRecipient(Text(d, "Address") ?? string.Empty, Text(d, "DelayReason"),
                        d.TryGetValue("Delivered", out var dv) && dv is bool b && b));
                }
                else if (item is not null)
                {
                    recipients.Add(new QueueRecipient(Convert.ToString(item, CultureInfo.InvariantCulture) ?? string.Empty));
                }
            }
        }

        m.Recipients = recipients;
        return m;
    }

    /// <summary>A Get-Message object as a queue message.</summary>
    public static QueueMessage ToMessage(IReadOnlyDictionary<string, object?> p, string computerName, DateTimeOffset now)
    {
        var identity = Text(p, "Identity") ?? string.Empty;
        // Message identity is Server\QueueName\MessageInteger (Get-Message, "Identity" parameter).
        var parts = identity.Split('\\');
        var queue = Text(p, "Queue") ?? (parts.Length >= 3 ? parts[parts.Length - 2] : string.Empty);
        if (queue.IndexOf('\\') >= 0)
        {
            queue = queue.Substring(queue.LastIndexOf('\\') + 1);
        }

        var server = parts.Length >= 3 ? parts[0] : computerName;
        var m = new QueueMessage
        {
            Source = QueueSourceKind.Exchange,
            ComputerName = string.IsNullOrEmpty(server) ? computerName : server,
            Id = identity,
            Queue = queue,
            State = Text(p, "Status") ?? string.Empty,
            Sender = Text(p, "FromAddress") ?? string.Empty,
            Subject = Text(p, "Subject"),
            InternetMessageId = Text(p, "InternetMessageId"),
            LastError = Text(p, "LastError"),
            RetryCount = (int?)Number(p, "RetryCount"),
            Size = Size(p.TryGetValue("Size", out var s) ? s : null),
        };
        var received = Date(p, "DateReceived");
        if (received is not null)
        {
            m.ArrivalTime = received;
            m.Age = now - received.Value;
        }

        m.Recipients = Recipients(p.TryGetValue("Recipients", out var r) ? r : null, m.LastError);
        m.NextHop = m.Recipients.Select(x => x.Domain).FirstOrDefault(d => d.Length > 0);
        return m;
    }

    /// <summary>A Get-Queue object as a queue summary.</summary>
    public static MailQueueSummary ToSummary(IReadOnlyDictionary<string, object?> p, string computerName)
    {
        var identity = Text(p, "Identity") ?? string.Empty;
        var slash = identity.IndexOf('\\');
        var status = Text(p, "Status");
        var count = (long)(Number(p, "MessageCount") ?? 0);
        return new MailQueueSummary
        {
            Source = QueueSourceKind.Exchange,
            ComputerName = slash > 0 ? identity.Substring(0, slash) : computerName,
            Queue = identity,
            MessageCount = count,
            Status = status,
            DeliveryType = Text(p, "DeliveryType"),
            NextHopDomain = Text(p, "NextHopDomain"),
            LastError = Text(p, "LastError"),
            Velocity = Number(p, "Velocity"),
            IncomingRate = Number(p, "IncomingRate"),
            OutgoingRate = Number(p, "OutgoingRate"),
            States = new Dictionary<string, long> { [status ?? "Unknown"] = count },
            TopDestinations = string.IsNullOrEmpty(Text(p, "NextHopDomain")) ? Array.Empty<string>() : new[] { $"{Text(p, "NextHopDomain")} ({count} messages)" },
            TopReasons = string.IsNullOrEmpty(Text(p, "LastError")) ? Array.Empty<string>() : new[] { $"{Text(p, "LastError")} ({count} messages)" },
        };
    }

    /// <summary>The key under which a deserialized object's ToString is kept beside its properties.</summary>
    public const string ToStringKey = "__ToString";

    internal static string? Text(IReadOnlyDictionary<string, object?> p, string name)
    {
        if (!p.TryGetValue(name, out var v) || v is null)
        {
            return null;
        }

        if (v is IReadOnlyDictionary<string, object?> inner)
        {
            return inner.TryGetValue(ToStringKey, out var ts) ? ts as string : inner.TryGetValue("Address", out var ad) ? ad as string : null;
        }

        var s = v is IEnumerable<object?> list && v is not string ? string.Join("; ", list) : Convert.ToString(v, CultureInfo.InvariantCulture);
        return string.IsNullOrEmpty(s) ? null : s;
    }

    internal static double? Number(IReadOnlyDictionary<string, object?> p, string name)
    {
        if (!p.TryGetValue(name, out var v) || v is null)
        {
            return null;
        }

        if (v is IConvertible && v is not string)
        {
            return Convert.ToDouble(v, CultureInfo.InvariantCulture);
        }

        return double.TryParse(Convert.ToString(v, CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
    }

    internal static DateTimeOffset? Date(IReadOnlyDictionary<string, object?> p, string name)
    {
        if (!p.TryGetValue(name, out var v) || v is null)
        {
            return null;
        }

        return v switch
        {
            DateTimeOffset o => o,
            DateTime d => new DateTimeOffset(d.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : d),
            _ => DateTimeOffset.TryParse(Convert.ToString(v, CultureInfo.InvariantCulture), CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out var x) ? x : null,
        };
    }

    /// <summary>Exchange ByteQuantifiedSize prints as "1.23 KB (1,260 bytes)"; also plain numbers.</summary>
    internal static long Size(object? v)
    {
        if (v is null)
        {
            return 0;
        }

        if (v is IConvertible && v is not string)
        {
            return Convert.ToInt64(v, CultureInfo.InvariantCulture);
        }

        var s = Convert.ToString(v, CultureInfo.InvariantCulture) ?? string.Empty;
        var open = s.IndexOf('(');
        if (open >= 0)
        {
            var close = s.IndexOf(" bytes", open, StringComparison.OrdinalIgnoreCase);
            if (close > open && long.TryParse(s.Substring(open + 1, close - open - 1), NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var b))
            {
                return b;
            }
        }

        return long.TryParse(s.Trim(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var n) ? n : 0;
    }

    /// <summary>Recipients: a list (CLIXML, piped), or text "a@x; b@y" (CSV); Exchange type names are ignored.</summary>
    internal static IReadOnlyList<QueueRecipient> Recipients(object? v, string? lastError)
    {
        var items = new List<string>();
        if (v is IEnumerable<object?> list && v is not string)
        {
            items.AddRange(list.Select(x => x is IReadOnlyDictionary<string, object?> d ? (Text(d, "Address") ?? string.Empty) : Convert.ToString(x, CultureInfo.InvariantCulture) ?? string.Empty));
        }
        else if (v is not null)
        {
            items.AddRange((Convert.ToString(v, CultureInfo.InvariantCulture) ?? string.Empty).Split(new[] { ';', ',', ' ' }, StringSplitOptions.RemoveEmptyEntries));
        }

        return items.Select(x => x.Trim()).Where(x => x.IndexOf('@') > 0 && !x.StartsWith("Microsoft.", StringComparison.Ordinal))
            .Select(x => new QueueRecipient(x, lastError)).ToList();
    }

    /// <summary>
    /// Reads an Export-Csv file (RFC 4180; an optional first line <c>#TYPE name</c>, written by Windows
    /// PowerShell unless -NoTypeInformation). One property bag per row; a malformed row yields an error.
    /// </summary>
    public static IEnumerable<Outcome<IReadOnlyDictionary<string, object?>>> ReadCsv(TextReader reader, string origin, CancellationToken cancellationToken = default)
    {
        string[]? header = null;
        var recordLine = 0;
        var lineNumber = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            recordLine = lineNumber + 1;
            var fields = ReadCsvRecord(reader, ref lineNumber, out var error);
            if (fields is null && error is null)
            {
                yield break;
            }

            if (error is not null)
            {
                yield return Outcome<IReadOnlyDictionary<string, object?>>.Failure(new ItemError(ErrorIds.QueueExchangeInputInvalid,
                    OutageErrorCategory.ParserError, $"Line {recordLine} of {origin} is not a valid CSV record: {error}.", $"{origin}:{recordLine}",
                    "The rest of the file was read; the file should be written by Export-Csv."));
                continue;
            }

            if (header is null)
            {
                if (fields!.Length == 1 && fields[0].StartsWith("#TYPE", StringComparison.Ordinal))
                {
                    continue;
                }

                if (fields.Length == 1 && fields[0].Length == 0)
                {
                    continue;
                }

                header = fields;
                continue;
            }

            if (fields!.Length == 1 && fields[0].Length == 0)
            {
                continue;
            }

            if (fields.Length != header.Length)
            {
                yield return Outcome<IReadOnlyDictionary<string, object?>>.Failure(new ItemError(ErrorIds.QueueExchangeInputInvalid,
                    OutageErrorCategory.ParserError, $"Line {recordLine} of {origin} has {fields.Length} fields, the header has {header.Length}.",
                    $"{origin}:{recordLine}", "The rest of the file was read; the file should be written by Export-Csv."));
                continue;
            }

            var bag = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < header.Length; i++)
            {
                bag[header[i]] = fields[i];
            }

            yield return Outcome<IReadOnlyDictionary<string, object?>>.Success(bag);
        }
    }

    private static string[]? ReadCsvRecord(TextReader reader, ref int lineNumber, out string? error)
    {
        error = null;
        var fields = new List<string>();
        var sb = new StringBuilder();
        var c = reader.Read();
        if (c < 0)
        {
            return null;
        }

        lineNumber++;
        var quoted = false;
        var fieldStart = true;
        while (true)
        {
            if (c < 0)
            {
                if (quoted)
                {
                    error = "a quoted field is not closed";
                    return null;
                }

                fields.Add(sb.ToString());
                return fields.ToArray();
            }

            var ch = (char)c;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        sb.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    if (ch == '\n')
                    {
                        lineNumber++;
                    }

                    sb.Append(ch);
                }
            }
            else if (ch == '"' && fieldStart)
            {
                quoted = true;
                fieldStart = false;
            }
            else if (ch == ',')
            {
                fields.Add(sb.ToString());
                sb.Clear();
                fieldStart = true;
            }
            else if (ch == '\r' || ch == '\n')
            {
                if (ch == '\r' && reader.Peek() == '\n')
                {
                    reader.Read();
                }

                fields.Add(sb.ToString());
                return fields.ToArray();
            }
            else
            {
                sb.Append(ch);
                fieldStart = false;
            }

            c = reader.Read();
        }
    }

    private const string PsNamespace = "http://schemas.microsoft.com/powershell/2004/04";

    /// <summary>
    /// Reads an Export-Clixml file (PowerShell Remoting Protocol [MS-PSRP] 2.2.5 serialization, <c>Objs</c>
    /// version 1.1.0.1): one property bag per top-level <c>Obj</c>, from its adapted (<c>Props</c>) and
    /// extended (<c>MS</c>) properties. Lists (<c>LST</c>, <c>IE</c>) become lists; nested objects become bags,
    /// or their <c>ToString</c>. Streaming with XmlReader.
    /// </summary>
    public static IEnumerable<Outcome<IReadOnlyDictionary<string, object?>>> ReadClixml(Stream stream, string origin, CancellationToken cancellationToken = default)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreWhitespace = true, IgnoreComments = true };
        XmlReader? created = null;
        var index = 0;
        string? failure = null;
        try
        {
            // Create reads the first bytes to detect the encoding: an undecodable start is an XmlException here.
            created = XmlReader.Create(stream, settings);
            created.MoveToContent();
            if (created.LocalName != "Objs" || created.NamespaceURI != PsNamespace)
            {
                failure = "the root element is not <Objs> in the PowerShell serialization namespace";
            }
        }
        catch (XmlException ex)
        {
            failure = ex.Message;
        }

        if (failure is not null)
        {
            created?.Dispose();
            throw new OutageException(ErrorIds.QueueExchangeInputInvalid, OutageErrorCategory.ParserError,
                $"{origin} is not an Export-Clixml file: {failure}.", origin, "Write the file with Get-Queue | Export-Clixml (or Get-Message).");
        }

        using var xml = created!;

        var state = new ClixmlState();
        var started = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            IReadOnlyDictionary<string, object?>? bag = null;
            failure = null;
            var line = 0;
            var done = false;
            try
            {
                if (!started)
                {
                    started = true;
                    if (xml.IsEmptyElement)
                    {
                        yield break;
                    }

                    xml.Read();
                }

                while (!xml.EOF && xml.NodeType != XmlNodeType.EndElement && !(xml.NodeType == XmlNodeType.Element && xml.LocalName == "Obj"))
                {
                    if (xml.NodeType == XmlNodeType.Element)
                    {
                        xml.Skip();
                    }
                    else
                    {
                        xml.Read();
                    }
                }

                if (xml.EOF || xml.NodeType == XmlNodeType.EndElement)
                {
                    done = true;
                }
                else
                {
                    index++;
                    line = (xml as IXmlLineInfo)?.LineNumber ?? 0;
                    state.Problem = null;
                    var v = ReadObj(xml, state);
                    bag = v as IReadOnlyDictionary<string, object?> ?? new Dictionary<string, object?> { ["Value"] = v };
                }
            }
            catch (XmlException ex)
            {
                failure = ex.Message;
            }
            catch (FormatException ex)
            {
                failure = ex.Message;
            }

            if (done)
            {
                yield break;
            }

            if (failure is not null)
            {
                yield return Outcome<IReadOnlyDictionary<string, object?>>.Failure(new ItemError(ErrorIds.QueueExchangeInputInvalid,
                    OutageErrorCategory.ParserError, $"Object {index} (line {line}) of {origin} cannot be read: {failure}.", origin,
                    "The file is damaged from here on; write it again with Export-Clixml."));
                yield break;
            }

            if (state.Problem is not null)
            {
                // A value out of range (an integer that overflows its type): this object only; the reader is still in step.
                yield return Outcome<IReadOnlyDictionary<string, object?>>.Failure(new ItemError(ErrorIds.QueueExchangeInputInvalid,
                    OutageErrorCategory.ParserError, $"Object {index} (line {line}) of {origin} cannot be read: {state.Problem}.", $"{origin}:{line}",
                    "The other objects were read; check how the file was written."));
                continue;
            }

            yield return Outcome<IReadOnlyDictionary<string, object?>>.Success(bag!);
        }
    }

    // Each reader below is positioned on an element, consumes it completely and leaves the reader on the next node.
    /// <summary>What one file's reading carries: RefId targets, the nesting depth, the first bad value of the current object.</summary>
    private sealed class ClixmlState
    {
        public readonly Dictionary<string, object?> Refs = new(StringComparer.Ordinal);
        public int Depth;
        public string? Problem;
    }

    /// <summary>
    /// Deepest <c>Obj</c> nesting read. Export-Clixml writes -Depth 2 by default (at most a few dozen levels with
    /// -Depth); a deeper file is refused with a clear error instead of exhausting the stack (40,000 levels did).
    /// </summary>
    public const int MaxClixmlDepth = 100;

    private static object? ReadObj(XmlReader xml, ClixmlState state)
    {
        if (++state.Depth > MaxClixmlDepth)
        {
            throw new FormatException($"objects are nested deeper than {MaxClixmlDepth} levels (Export-Clixml -Depth is far less)");
        }

        try
        {
            return ReadObjCore(xml, state);
        }
        finally
        {
            state.Depth--;
        }
    }

    private static object? ReadObjCore(XmlReader xml, ClixmlState state)
    {
        var refId = xml.GetAttribute("RefId");
        if (xml.IsEmptyElement)
        {
            xml.Read();
            return null;
        }

        var bag = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        List<object?>? list = null;
        string? toString = null;
        object? primitive = null;
        var hasPrimitive = false;
        xml.Read();
        while (xml.NodeType != XmlNodeType.EndElement && !xml.EOF)
        {
            if (xml.NodeType != XmlNodeType.Element)
            {
                xml.Read();
                continue;
            }

            switch (xml.LocalName)
            {
                case "TN":
                case "TNRef":
                case "DCT":
                    xml.Skip();
                    break;
                case "ToString":
                    toString = xml.ReadElementContentAsString();
                    break;
                case "Props":
                case "MS":
                    ReadMembers(xml, bag, state);
                    break;
                case "LST":
                case "IE":
                case "STK":
                case "QUE":
                    list = ReadList(xml, state);
                    break;
                default:
                    // A primitive with a type name, e.g. a deserialized enum: <Obj><TN/><ToString>Retry</ToString><I32>2</I32></Obj>.
                    primitive = ReadElement(xml, state);
                    hasPrimitive = true;
                    break;
            }
        }

        xml.Read();
        if (bag.Count > 0 && toString is not null)
        {
            // A deserialized object with properties (e.g. QueueIdentity) still prints as its ToString.
            bag[ToStringKey] = toString;
        }

        object? result = list is not null ? list : bag.Count > 0 ? bag : toString ?? (hasPrimitive ? primitive : null);
        if (refId is not null)
        {
            state.Refs[refId] = result;
        }

        return result;
    }

    private static void ReadMembers(XmlReader xml, Dictionary<string, object?> bag, ClixmlState state)
    {
        if (xml.IsEmptyElement)
        {
            xml.Read();
            return;
        }

        xml.Read();
        while (xml.NodeType != XmlNodeType.EndElement && !xml.EOF)
        {
            if (xml.NodeType == XmlNodeType.Element)
            {
                var n = xml.GetAttribute("N");
                var v = ReadElement(xml, state);
                if (n is not null)
                {
                    bag[n] = v;
                }
            }
            else
            {
                xml.Read();
            }
        }

        xml.Read();
    }

    private static List<object?> ReadList(XmlReader xml, ClixmlState state)
    {
        var list = new List<object?>();
        if (xml.IsEmptyElement)
        {
            xml.Read();
            return list;
        }

        xml.Read();
        while (xml.NodeType != XmlNodeType.EndElement && !xml.EOF)
        {
            if (xml.NodeType == XmlNodeType.Element)
            {
                list.Add(ReadElement(xml, state));
            }
            else
            {
                xml.Read();
            }
        }

        xml.Read();
        return list;
    }

    private static object? ReadElement(XmlReader xml, ClixmlState state)
    {
        var name = xml.LocalName;
        if (name == "Obj")
        {
            return ReadObj(xml, state);
        }

        if (name == "Ref")
        {
            var id = xml.GetAttribute("RefId");
            xml.Skip();
            return id is not null && state.Refs.TryGetValue(id, out var r) ? r : null;
        }

        if (xml.IsEmptyElement)
        {
            xml.Read();
            return name == "S" ? string.Empty : null;
        }

        var line = (xml as IXmlLineInfo)?.LineNumber ?? 0;
        var text = xml.ReadElementContentAsString();
        try
        {
            return Primitive(name, text);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            state.Problem ??= $"the <{name}> value '{(text.Length > 40 ? text.Substring(0, 40) + "…" : text)}' on line {line} is not valid for its type ({ex.Message})";
            return null;
        }
    }

    private static object? Primitive(string type, string text)
    {
        var ci = CultureInfo.InvariantCulture;
        switch (type)
        {
            case "S":
            case "C":
            case "URI":
            case "Version":
            case "G":
                return Unescape(text);
            case "B":
                return text == "true";
            case "I32":
            case "I16":
            case "SB":
            case "By":
            case "U16":
                return int.Parse(text, ci);
            case "I64":
            case "U32":
                return long.Parse(text, ci);
            case "U64":
                return ulong.Parse(text, ci);
            case "Db":
            case "Sg":
            case "D":
                return double.Parse(text, NumberStyles.Float, ci);
            case "DT":
                return DateTimeOffset.Parse(text, ci, DateTimeStyles.RoundtripKind);
            case "TS":
                return XmlConvert.ToTimeSpan(text);
            case "Nil":
                return null;
            default:
                return text;
        }
    }

    // Export-Clixml escapes control characters as _xHHHH_ ([MS-PSRP] 2.2.5.3.2).
    private static string Unescape(string s)
    {
        if (s.IndexOf("_x", StringComparison.Ordinal) < 0)
        {
            return s;
        }

        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '_' && i + 6 < s.Length && s[i + 1] == 'x' && s[i + 6] == '_'
                && int.TryParse(s.Substring(i + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
            {
                sb.Append((char)code);
                i += 6;
            }
            else
            {
                sb.Append(s[i]);
            }
        }

        return sb.ToString();
    }
}
