using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace Outage.Tools.Core.Mime;

/// <summary>
/// The streaming linter: one forward pass over the octets of one message, fed in chunks of any size.
/// Bytes become lines (a small state machine: CR, LF, CRLF), lines drive an explicit entity stack (no
/// recursion on input depth, no backtracking). Memory is bounded: a line keeps at most <see cref="LineKeep"/>
/// octets, a header field at most <see cref="FieldKeep"/>, the base64 fast path's window at most
/// <see cref="WindowBytes"/>, the stack at most the nesting limit, the part list at most the parts limit, the
/// findings at most MaxFindingsPerRule per rule.
/// </summary>
public sealed class MimeLinter
{
    internal const int LineKeep = 8192;
    internal const int FieldKeep = 65536;

    private readonly MimeLintOptions _o;

    /// <summary>Postfix hopcount_limit (<see cref="MimeLintOptions.ReceivedLimit"/>), for the header checks.</summary>
    internal int ReceivedLimit => _o.ReceivedLimit;
    private readonly string _source;
    private readonly long _base;
    private readonly List<MimeFinding> _findings = new();
    private readonly Dictionary<string, int> _ruleCounts = new(StringComparer.Ordinal);
    private readonly List<MimePartInfo> _parts = new();
    private readonly List<Entity> _stack = new();
    private readonly bool _recordParts;

    // Current line.
    private byte[] _line = new byte[1024];
    private int _keep;
    private long _lineLen;

    // Whether the line being ended had a line break (not the end of the input).
    private bool _terminated;
    private long _lineStart;
    private long _lineNo;
    private long _firstNul = -1;
    private long _firstCr = -1;
    private long _first8 = -1;
    private bool _pendingCr;
    private long _pos;
    private int _style; // 0 unknown, 1 LF, 2 CRLF
    private bool _mixedReported;

    // The top entity is a base64 body before any '=' padding (InBase64Body), so Base64Lines may take the next
    // line. Kept up to date where that can change, so the general path pays nothing per line for it: set when
    // a base64 leaf's header section ends, cleared by Push, Pop and padding.
    private bool _base64Next;

    // Current header field.
    private byte[] _field = new byte[256];
    private int _fieldKeep;
    private long _fieldLen;

    // The field as Postfix cleanup measures it against header_size_limit: name, colon and every folded line, one
    // octet per line break (mime_state joins the lines with LF), the final line end excluded.
    private long _fieldSize;
    private string? _fieldName;
    private long _fieldOffset;
    private long _fieldLine;
    private int _totalParts;
    private bool _partsReported;
    private bool _nestingReported;
    private long _sizeLine;
    private bool _bodyFromReported;

    public MimeLinter(MimeLintOptions? options = null, string source = "", long baseOffset = 0, long firstLineNumber = 1, bool recordParts = false)
    {
        _o = options ?? new MimeLintOptions();
        _source = source;
        _base = baseOffset;
        _pos = baseOffset;
        _lineStart = baseOffset;
        _lineNo = firstLineNumber;
        _recordParts = recordParts;
        var root = new Entity("0", 0, "", isMessage: true, baseOffset, firstLineNumber);
        Push(root);
    }

    /// <summary>
    /// The fast paths (whole lines consumed in bulk where no rule can fire) are on; tests turn them off to check
    /// that they give exactly what the general, line-by-line path gives.
    /// </summary>
    internal bool FastPaths { get; set; } = true;

    /// <summary>Lines the fast paths consumed (for tests: that a case reaches them).</summary>
    internal long FastPathLines { get; private set; }

    /// <summary>Octets consumed so far.</summary>
    public long BytesProcessed => _pos - _base;

    public IReadOnlyList<MimeFinding> Findings => _findings;

    public IReadOnlyList<MimePartInfo> Parts => _parts;

    /// <summary>Feeds the next octets of the message.</summary>
    public void Feed(byte[] buffer, int offset, int count)
    {
        var end = offset + count;
        var i = offset;
        if (_base64Next && _lineLen == 0 && !_pendingCr)
        {
            i = Base64Lines(buffer, i, end);
        }

        while (i < end)
        {
            if (_pendingCr)
            {
                _pendingCr = false;
                if (buffer[i] == (byte)'\n')
                {
                    _pos++;
                    i++;
                    EndLine(2);
                    continue;
                }

                BareCr(_pos - 1);
                Append(13);
            }

            var lf = Array.IndexOf(buffer, (byte)'\n', i, end - i);
            var segEnd = lf < 0 ? end : lf;
            var contentEnd = segEnd;
            var crlf = false;
            if (segEnd > i && buffer[segEnd - 1] == (byte)'\r')
            {
                contentEnd = segEnd - 1;
                if (lf >= 0)
                {
                    crlf = true;
                }
                else
                {
                    _pendingCr = true;
                }
            }

            if (_firstNul < 0 || _first8 < 0 || _firstCr < 0)
            {
                ScanSpecial(buffer, i, contentEnd, _pos - i);
            }

            var n = contentEnd - i;
            if (_keep < LineKeep && n > 0)
            {
                var copy = Math.Min(n, LineKeep - _keep);
                if (_keep + copy > _line.Length)
                {
                    var grown = new byte[LineKeep];
                    Buffer.BlockCopy(_line, 0, grown, 0, _keep);
                    _line = grown;
                }

                Buffer.BlockCopy(buffer, i, _line, _keep, copy);
                _keep += copy;
            }

            _lineLen += n;
            if (lf < 0)
            {
                _pos += end - i;
                break;
            }

            _pos += lf + 1 - i;
            i = lf + 1;
            EndLine(crlf ? 2 : 1);
            if (_base64Next)
            {
                i = Base64Lines(buffer, i, end);
            }
        }
    }

    /// <summary>
    /// MethodImplOptions.AggressiveOptimization (.NET Core 3.0+; netstandard2.0 lacks the name, .NET Framework
    /// ignores the flag): the hot scanning loop is compiled by the JIT at full optimization on first call
    /// instead of running the ReadyToRun code of a published CLI, which measured about 5% slower on the large
    /// corpus (docs/performance.md, Mime).
    /// </summary>
    private const MethodImplOptions AggressiveOptimization = (MethodImplOptions)512;

    /// <summary>The body of a base64 part (RFC 2045 §6.8) before any '=' padding: where <see cref="Base64Lines"/> applies.</summary>
    private static bool InBase64Body(Entity e) =>
        !e.InHeader && e.Kind == Kind.Leaf && e.Encoding == TransferEncoding.Base64 && e.B64Pad == 0;

    /// <summary>
    /// The fast path for the bulk of large mail, base64 attachments (RFC 2045 §6.8): consumes whole lines that
    /// hold only base64 alphabet octets and end in the message's line break, at most 998 octets long (RFC 5322
    /// §2.1.1). For such a line no rule can fire: no NUL, CR or 8-bit octet, no delimiter (a '-' is not in the
    /// alphabet), no padding. All <see cref="EndLine"/> and <see cref="Base64Line"/> would do is count, and that
    /// is all this does, eight octets at a time. It stops at the line start of the first line that is anything
    /// else (padding, white space, a delimiter, a foreign octet, a line the chunk ends inside) and returns that
    /// position; the general path then reads that line from its first octet. So only octets of the line where
    /// it stops (at most 999) are read again, and those of a line across the window's end once more.
    /// Called only at a line start, with the line-break style known.
    /// <para>
    /// The octets are read as 64-bit words from a copy of the chunk in a window of at most
    /// <see cref="WindowBytes"/>: netstandard2.0 has no safe way to read a word straight from a byte array except
    /// BitConverter, whose call per word cost more than the copy (docs/performance.md, Mime).
    /// </para>
    /// </summary>
    [MethodImpl(AggressiveOptimization)]
    private int Base64Lines(byte[] buffer, int i, int end)
    {
        var e = Top;
        var crlf = _style == 2;
        var bufferBase = _pos - i; // stream offset of buffer[0]
        var sizeAt = _sizeLine == 0 ? _base + _o.SizeLimit : long.MaxValue;
        var lineNo = _lineNo;
        var count = 0L;
        var lastEnd = -1;
        var lastLine = 0L;
        var words = _window;
        if (words is null || (words.Length - 1) << 3 < Math.Min(WindowBytes, end - i))
        {
            // Sized to what is left of the chunk, so small messages allocate little; at most WindowBytes.
            words = _window = new ulong[(Math.Min(WindowBytes, end - i) + 7) / 8 + 1];
        }

        var windowStart = i;
        var windowEnd = FillWindow(words, buffer, i, end);
        while (true)
        {
            // The first octet at or after the line start i that is not in the alphabet.
            var at = i - windowStart;
            var k = at >> 3;
            var bad = NotBase64(words[k]) & (ulong.MaxValue << ((at & 7) << 3));
            while (bad == 0)
            {
                bad = NotBase64(words[++k]);
            }

            var j = windowStart + (k << 3) + LowestMarkedOctet(bad);
            if (j >= windowEnd)
            {
                // The window ends inside this line: the chunk does too, or the line is too long, or read on.
                if (windowEnd == end || windowEnd - i > 998)
                {
                    break;
                }

                windowStart = i;
                windowEnd = FillWindow(words, buffer, i, end);
                continue;
            }

            int next;
            if (j - i > 998)
            {
                break; // line-too-long: the general path reports it
            }
            else if (buffer[j] == (byte)'\n' && !crlf)
            {
                next = j + 1;
            }
            else if (buffer[j] == (byte)'\r' && crlf && j + 1 < end && buffer[j + 1] == (byte)'\n')
            {
                next = j + 2;
            }
            else
            {
                break;
            }

            if (j > i)
            {
                count += j - i;
                lastEnd = j;
                lastLine = lineNo;
                if (e.DecodeCheck && !e.ReportedDecode)
                {
                    // Base64 text: its octets are checked against the charset here too.
                    DecodeBase64(e, buffer, i, j, bufferBase, lineNo);
                }
            }

            lineNo++;
            i = next;
            if (bufferBase + i > sizeAt)
            {
                // RFC 1870 / message_size_limit: the line on which the message passes the limit.
                _sizeLine = lineNo - 1;
                sizeAt = long.MaxValue;
            }
        }

        if (lineNo != _lineNo)
        {
            if (count > 0)
            {
                e.B64Count += count;
                e.B64LastOffset = bufferBase + lastEnd - 1;
                e.B64LastLine = lastLine;
            }

            e.Lines += lineNo - _lineNo;
            FastPathLines += lineNo - _lineNo;
            _lineNo = lineNo;
            _pos = bufferBase + i;
            _lineStart = _pos;
        }

        return i;
    }

    /// <summary>Octets of the chunk that <see cref="Base64Lines"/> reads as words at a time: at most 16 KiB, allocated on first use.</summary>
    internal const int WindowBytes = 16384;

    private ulong[]? _window;

    /// <summary>
    /// Copies as many octets from <paramref name="from"/> as the window holds (all but its last word) into it,
    /// as little-endian words, and returns where the copy ends. Whatever follows the copied octets in the window
    /// (older octets) is never taken for data, since a scan that reaches it has passed the window's end; the zero
    /// word set after them stops such a scan (a NUL is not in the alphabet).
    /// </summary>
    private static int FillWindow(ulong[] words, byte[] buffer, int from, int end)
    {
        var n = Math.Min((words.Length - 1) << 3, end - from);
        Buffer.BlockCopy(buffer, from, words, 0, n);
        words[(n + 7) >> 3] = 0;
        return from + n;
    }

    /// <summary>
    /// The octets of <paramref name="v"/> that are not in the base64 alphabet A-Z a-z 0-9 + /, as their high bit
    /// (0x80) in the result. Octets over 127 are out; of the others, with no carry between octets since each is
    /// at most 0x7F: x + (0x80 - lo) has its high bit set when x &gt;= lo, x + (0x7F - hi) when x &gt; hi.
    /// Letters are tested as one range after x | 0x20 (which maps A-Z onto a-z and nothing else onto a-z), '/'
    /// and the digits are the range 0x2F-0x39, '+' is tested for equality.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong NotBase64(ulong v)
    {
        const ulong low7 = 0x7F7F7F7F7F7F7F7FUL;
        var x = v & low7;
        var y = x | 0x2020202020202020UL;
        var letter = (y + (0x80 - 'a') * Ones) & ~(y + (0x7F - 'z') * Ones);
        var digitOrSlash = (x + (0x80 - '/') * Ones) & ~(x + (0x7F - '9') * Ones);
        var p = x ^ ('+' * Ones);
        var plus = ~((p + low7) | p);
        return (~(letter | digitOrSlash | plus) | v) & High;
    }

    /// <summary>
    /// The index (0-7, first octet in memory = 0) of the lowest octet marked in <paramref name="marks"/> (high
    /// bits only, at least one set): the lowest mark alone, shifted down, is 1 &lt;&lt; 8k; multiplying
    /// 0x0001020304050607 by it moves that constant's octet 7 - k, which holds k, to the top.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int LowestMarkedOctet(ulong marks) => (int)((((marks & (0 - marks)) >> 7) * 0x0001020304050607UL) >> 56);

    private const ulong High = 0x8080808080808080UL;
    private const ulong Ones = 0x0101010101010101UL;
    private const ulong Crs = 0x0D0D0D0D0D0D0D0DUL;

    /// <summary>
    /// Finds the first NUL, bare CR and non-ASCII octet of a line segment. Eight octets at a time (SWAR: a
    /// word with no high bit, no zero byte and no CR byte is skipped), octet by octet only around a hit.
    /// </summary>
    private void ScanSpecial(byte[] buffer, int from, int to, long segBase)
    {
        var j = from;
        while (j + 8 <= to)
        {
            var v = BitConverter.ToUInt64(buffer, j);
            var cr = v ^ Crs;
            if (((v | ((v - Ones) & ~v) | ((cr - Ones) & ~cr)) & High) == 0)
            {
                j += 8;
                continue;
            }

            ScanBytes(buffer, j, j + 8, segBase);
            j += 8;
        }

        ScanBytes(buffer, j, to, segBase);
    }

    private void ScanBytes(byte[] buffer, int from, int to, long segBase)
    {
        for (var j = from; j < to; j++)
        {
            var c = buffer[j];
            if (c >= 0x80)
            {
                if (_first8 < 0)
                {
                    _first8 = segBase + j;
                }
            }
            else if (c == 0)
            {
                if (_firstNul < 0)
                {
                    _firstNul = segBase + j;
                }
            }
            else if (c == 13 && _firstCr < 0)
            {
                _firstCr = segBase + j;
                BareCr(segBase + j);
            }
        }
    }

    private void Append(byte b)
    {
        if (_keep < LineKeep)
        {
            if (_keep == _line.Length)
            {
                var grown = new byte[LineKeep];
                Buffer.BlockCopy(_line, 0, grown, 0, _keep);
                _line = grown;
            }

            _line[_keep++] = b;
        }

        _lineLen++;
    }

    private void BareCr(long offset)
    {
        // RFC 5322 §2.3: CR and LF only occur together as CRLF.
        // Poison in a header section: Python's email ends the header line there, MimeKit does not.
        Add("line-bare-cr", offset, _lineNo, Top.Path, null, "A CR (0x0D) that is not followed by LF.", condition: Top.InHeader);
    }

    /// <summary>Ends the input and returns the findings, in the order found.</summary>
    public IReadOnlyList<MimeFinding> Finish()
    {
        if (_pendingCr)
        {
            _pendingCr = false;
            BareCr(_pos - 1);
            Append(13);
        }

        if (_lineLen > 0)
        {
            // RFC 5322 §2.1: every line ends with CRLF; the input ended inside one.
            Add("message-truncated", _pos, _lineNo, Top.Path, null, "The input ends inside a line (no final line break).", MimeSeverity.Warning);
            EndLine(0);
        }

        if (_pos == _base)
        {
            Add("message-truncated", _pos, _lineNo, "0", null, "The message is empty.");
        }

        while (_stack.Count > 0)
        {
            Pop(_pos, eof: true);
        }

        if (_pos - _base > _o.SizeLimit)
        {
            Add("size-limit", _base + _o.SizeLimit, _sizeLine, "0", null,
                $"The message is {_pos - _base:N0} octets, over the limit of {_o.SizeLimit:N0}.");
        }

        return _findings;
    }

    // ---------------------------------------------------------------- lines

    private Entity Top => _stack[_stack.Count - 1];

    private void EndLine(int terminator)
    {
        _terminated = terminator != 0;
        var start = _lineStart;
        var len = _lineLen;
        var top = Top;

        if (terminator != 0)
        {
            if (_style == 0)
            {
                _style = terminator;
            }
            else if (terminator == 1 && _style == 2)
            {
                Add("line-bare-lf", start + len, _lineNo, top.Path, null, "A line ends in LF without CR while the message uses CRLF.");
            }
            else if (terminator == 2 && _style == 1 && !_mixedReported)
            {
                _mixedReported = true;
                Add("line-bare-lf", start + len, _lineNo, top.Path, null, "The message mixes line endings: it uses bare LF, but this line ends in CRLF.");
            }
        }

        var binary = !top.InHeader && top.Kind == Kind.Leaf && top.Encoding == TransferEncoding.Binary;
        if (!binary)
        {
            if (len > 998)
            {
                Add("line-too-long", start + 998, _lineNo, top.Path, top.InHeader ? _fieldName : null,
                    $"A line of {len:N0} octets; the limit is 998 excluding CRLF.");
            }

            if (_firstNul >= 0)
            {
                Add("nul-byte", _firstNul, _lineNo, top.Path, top.InHeader ? CurrentHeaderName() : null, "A NUL octet (0x00).");
            }
        }

        if (!HandleDelimiter())
        {
            top = Top;
            if (top.InHeader)
            {
                HeaderLine(top);
            }
            else
            {
                BodyLine(top);
            }
        }

        if (_sizeLine == 0 && _pos - _base > _o.SizeLimit)
        {
            _sizeLine = _lineNo;
        }

        top = Top;
        top.Lines++;
        _lineNo++;
        _lineStart = _pos;
        _lineLen = 0;
        _keep = 0;
        _firstNul = -1;
        _firstCr = -1;
        _first8 = -1;
    }

    private string? CurrentHeaderName()
    {
        var colon = Array.IndexOf(_line, (byte)':', 0, _keep);
        if (_keep > 0 && (_line[0] == ' ' || _line[0] == '\t'))
        {
            return _fieldName;
        }

        return colon > 0 ? Latin1(_line, 0, colon).Trim() : null;
    }

    /// <summary>RFC 2046 §5.1.1: a delimiter line is "--" boundary, optional "--", optional white space.</summary>
    private bool HandleDelimiter()
    {
        if (_keep < 3 || _line[0] != '-' || _line[1] != '-' || _lineLen > 200)
        {
            return false;
        }

        var len = _keep;
        while (len > 2 && (_line[len - 1] == ' ' || _line[len - 1] == '\t'))
        {
            len--;
        }

        for (var k = _stack.Count - 1; k >= 0; k--)
        {
            var e = _stack[k];
            if (e.Kind != Kind.Multipart || e.Closed || e.Boundary is null)
            {
                continue;
            }

            var b = e.Boundary;
            var close = false;
            if (len == b.Length + 2 && Matches(b))
            {
            }
            else if (len == b.Length + 4 && _line[len - 1] == '-' && _line[len - 2] == '-' && Matches(b))
            {
                close = true;
            }
            else
            {
                continue;
            }

            var delimiterStart = _lineStart;
            while (_stack.Count - 1 > k)
            {
                Pop(delimiterStart, eof: false);
            }

            if (close)
            {
                e.Closed = true;
                return true;
            }

            e.FirstBoundarySeen = true;
            e.ChildCount++;
            _totalParts++;
            if (_totalParts > _o.PartsLimit && !_partsReported)
            {
                _partsReported = true;
                Add("parts-too-many", _lineStart, _lineNo, e.Path, null, $"More than {_o.PartsLimit:N0} MIME parts.");
            }

            var path = e.ChildPrefix.Length == 0 ? e.ChildCount.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : e.ChildPrefix + "." + e.ChildCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var child = new Entity(path, e.Depth + 1, path, isMessage: false, _pos, _lineNo + 1)
            {
                DefaultType = e.SubType == "digest" ? "message/rfc822" : "text/plain",
                OuterMultiparts = e.OuterMultiparts + 1,
            };
            Push(child);
            return true;
        }

        return false;

        bool Matches(byte[] b)
        {
            for (var x = 0; x < b.Length; x++)
            {
                if (_line[x + 2] != b[x])
                {
                    return false;
                }
            }

            return true;
        }
    }

    private void Push(Entity e)
    {
        _stack.Add(e);
        _base64Next = false;
        if (_recordParts && _parts.Count <= _o.PartsLimit)
        {
            e.Info = new MimePartInfo(_source, e.Path, e.Depth) { HeaderOffset = e.HeaderOffset };
            _parts.Add(e.Info);
        }
    }

    private void Pop(long end, bool eof)
    {
        var e = Top;
        if (e.InHeader)
        {
            EndField(e);
            UnterminatedHeader(e, eof);
        }
        else if (e.Kind == Kind.Multipart)
        {
            if (e.Closed && e.ChildCount == 0)
            {
                Add("multipart-empty", e.BodyOffset, e.BodyLine, e.Path, null, "The multipart has no body part (only a close delimiter).");
            }
            else if (!e.FirstBoundarySeen && !e.Closed)
            {
                // Poison when the body has delimiter lines of another boundary: every part the sender wrote becomes
                // preamble, which MimeKit hides while Python's email shows the whole body as text.
                Add("boundary-not-found", e.BodyOffset, e.BodyLine, e.Path, "Content-Type",
                    $"The boundary \"{Latin1(e.Boundary!, 0, e.Boundary!.Length)}\" never occurs in the body"
                    + (e.PreambleDelimiterLike ? ", which has delimiter lines of another boundary: every part becomes preamble." : "."),
                    condition: e.PreambleDelimiterLike);
            }
            else if (!e.Closed)
            {
                Add("boundary-close-missing", end, _lineNo, e.Path, null,
                    $"The multipart ends without its close delimiter \"--{Latin1(e.Boundary!, 0, e.Boundary!.Length)}--\".");
            }
        }
        else if (e.Kind == Kind.Leaf)
        {
            EndLeaf(e, end);
        }

        if (e.Info is not null)
        {
            e.Info.LineCount = e.Lines;
            if (e.BodyOffset >= 0)
            {
                e.Info.BodyOffset = e.BodyOffset;
                e.Info.HeaderSize = e.BodyOffset - e.HeaderOffset;
                e.Info.BodySize = Math.Max(0, end - e.BodyOffset);
            }
            else
            {
                e.Info.HeaderSize = end - e.HeaderOffset;
            }
        }

        _stack.RemoveAt(_stack.Count - 1);
        _base64Next = false;
        if (_stack.Count > 0)
        {
            Top.Lines += e.Lines;
        }
    }

    private void UnterminatedHeader(Entity e, bool eof)
    {
        if (e.NoColonCount > 0)
        {
            // No empty line ever came: the colon-less line was the start of the content (RFC 5322 §2.1).
            // Poison when the message header has no field at all: MimeKit refuses such a message.
            Add("header-body-separator-missing", e.NoColonOffset, e.NoColonLine, e.Path, null,
                "Content starts without the empty line that ends the header fields.", condition: e.IsMessage && e.Depth == 0 && e.FieldCount == 0);
        }
        else if (eof || e.IsMessage && e.Depth > 0)
        {
            if (e.IsMessage && (e.Depth > 0 || e.HeaderOffset != _pos))
            {
                Add("message-truncated", eof ? _pos : _lineStart, _lineNo, e.Path, null, "The input ends inside the header section.");
            }
        }

        EndHeader(e, ended: false);
    }

    // ---------------------------------------------------------------- header section

    private void HeaderLine(Entity e)
    {
        if (_lineLen == 0)
        {
            EndField(e);
            if (e.NoColonCount > 0)
            {
                // The empty line came, so the separator is there: the colon-less lines are bad header lines (RFC 5322
                // §2.2). Poison in the message header when a field follows (parsers end the header at the first one)
                // or when the message starts with it (MimeKit refuses the message).
                var after = e.FieldAfterFirstNoColon;
                Add("header-no-colon", e.NoColonOffset, e.NoColonLine, e.Path, null,
                    (e.NoColonCount == 1 ? "A header line without a colon" : $"{e.NoColonCount:N0} header lines without a colon; the first is here")
                    + (after ? "; parsers end the header here, so the fields after it are read as body text." : "."),
                    condition: (after || e.NoColonOffset == e.HeaderOffset) && e.IsMessage && e.Depth == 0);
            }

            EndHeader(e, ended: true);
            return;
        }

        var first = _line[0];
        if (first == ' ' || first == '\t')
        {
            if (_fieldName is null)
            {
                if (e.FieldCount == 0 && e.NoColonCount == 0)
                {
                    Add("header-leading-continuation", _lineStart, _lineNo, e.Path, null,
                        "The header section starts with a folded continuation line that continues no field.", condition: e.IsMessage && e.Depth == 0);
                }

                return;
            }

            _fieldSize += 1 + _lineLen;
            AppendField(_line, 0, _keep, _lineLen);
            Check8BitHeader(e, _fieldName);
            return;
        }

        EndField(e);
        if (_keep >= 5 && first == 'F' && _line[1] == 'r' && _line[2] == 'o' && _line[3] == 'm' && _line[4] == ' ')
        {
            Add("mbox-from-line", _lineStart, _lineNo, e.Path, null, _lineStart == _base
                ? "The message starts with an mbox 'From ' separator line, which is not a header field."
                : "An mbox 'From ' envelope line inside the header section.");
            return;
        }

        var colon = Array.IndexOf(_line, (byte)':', 0, _keep);
        if (colon < 0)
        {
            e.FieldAfterNoColon = false;
            if (e.NoColonCount++ == 0)
            {
                e.NoColonOffset = _lineStart;
                e.NoColonLine = _lineNo;
            }

            return;
        }

        var name = Latin1(_line, 0, colon);
        if (e.InvalidNameFinding is not null)
        {
            // A field after a name with white space or a control octet: Python's email ends the header at that name.
            e.InvalidNameFinding.Poison = _o.Profile.IsPoison("header-invalid-name", true);
            e.InvalidNameFinding = null;
        }

        for (var x = 0; x < colon; x++)
        {
            var c = _line[x];
            if (c < 33 || c > 126)
            {
                var count = _findings.Count;
                Add("header-invalid-name", _lineStart + x, _lineNo, e.Path, name.Trim(),
                    $"The field name \"{name}\" contains {(c == ' ' || c == '\t' ? "white space" : $"the octet 0x{c:X2}")}; names are printable ASCII without colon.");
                if (_findings.Count > count && e.IsMessage && e.Depth == 0 && e.InvalidNameFinding is null)
                {
                    e.InvalidNameFinding = _findings[count];
                }

                break;
            }
        }

        if (colon == 0)
        {
            Add("header-invalid-name", _lineStart, _lineNo, e.Path, null, "A header field with an empty name.");
        }

        e.FieldAfterNoColon = e.NoColonCount > 0;
        e.FieldAfterFirstNoColon |= e.NoColonCount > 0;
        _fieldName = name.Trim();
        _fieldOffset = _lineStart;
        _fieldLine = _lineNo;
        _fieldKeep = 0;
        _fieldLen = 0;
        _fieldSize = _lineLen;
        AppendField(_line, colon + 1, _keep - colon - 1, _lineLen - colon - 1);
        Check8BitHeader(e, _fieldName);
    }

    private void Check8BitHeader(Entity e, string? name)
    {
        if (_first8 < 0)
        {
            return;
        }

        // RFC 6532 §3.2 allows UTF-8 in header fields (with SMTPUTF8); anything else is an error.
        var valid = Utf8Valid(_line, 0, _keep);
        Add("8bit-header", _first8, _lineNo, e.Path, name,
            valid ? "Non-ASCII (UTF-8) octets in a header field outside an encoded word." : "Non-ASCII octets in a header field that are not valid UTF-8.",
            valid ? MimeSeverity.Warning : MimeSeverity.Error);
    }

    private void AppendField(byte[] src, int index, int count, long fullLength)
    {
        if (count > 0 && _fieldKeep < FieldKeep)
        {
            var copy = Math.Min(count, FieldKeep - _fieldKeep);
            if (_fieldKeep + copy > _field.Length)
            {
                var grown = new byte[Math.Min(FieldKeep, Math.Max(_field.Length * 2, _fieldKeep + copy))];
                Buffer.BlockCopy(_field, 0, grown, 0, _fieldKeep);
                _field = grown;
            }

            Buffer.BlockCopy(src, index, _field, _fieldKeep, copy);
            _fieldKeep += copy;
        }

        _fieldLen += fullLength;
    }

    private void EndField(Entity e)
    {
        if (_fieldName is null)
        {
            return;
        }

        var name = _fieldName;
        _fieldName = null;
        e.FieldCount++;
        if (_fieldSize > _o.HeaderSizeLimit)
        {
            // Postfix cleanup keeps the folded lines that fit in header_size_limit and drops the rest (postconf(5)).
            Add("header-too-long", _fieldOffset, _fieldLine, e.Path, name,
                $"The field is {_fieldSize:N0} octets (name and folded lines, one octet per line break, as Postfix counts), over the limit of {_o.HeaderSizeLimit:N0}: Postfix drops the lines past the limit.");
        }

        if (e.FieldCount == _o.HeaderCountLimit + 1)
        {
            Add("header-count-excessive", _fieldOffset, _fieldLine, e.Path, name, $"More than {_o.HeaderCountLimit:N0} header fields.");
        }

        var value = Latin1(_field, 0, _fieldKeep);
        var lower = name.ToLowerInvariant();
        HeaderChecks.Check(this, e, lower, name, value, _fieldOffset, _fieldLine, complete: _fieldKeep == _fieldLen);
    }

    internal void Report(string rule, long offset, long line, string part, string? header, string message, MimeSeverity? severity = null,
        bool condition = false) =>
        Add(rule, offset, line, part, header, message, severity, condition);

    private void EndHeader(Entity e, bool ended)
    {
        e.InHeader = false;
        e.BodyOffset = ended ? _pos : -1;
        e.BodyLine = _lineNo + 1;
        if (e.IsMessage && e.Depth == 0)
        {
            // RFC 5322 §3.6: From and Date are required, Message-ID SHOULD be present.
            if (!e.Seen.Contains("from"))
            {
                Add("missing-from", e.HeaderOffset, e.HeaderLine, e.Path, "From", "The message has no From field.");
            }

            if (!e.Seen.Contains("date"))
            {
                Add("missing-date", e.HeaderOffset, e.HeaderLine, e.Path, "Date", "The message has no Date field.");
            }

            if (!e.Seen.Contains("message-id"))
            {
                Add("missing-message-id", e.HeaderOffset, e.HeaderLine, e.Path, "Message-ID", "The message has no Message-ID field.");
            }

            if (!e.Seen.Contains("mime-version") && (e.Seen.Contains("content-type") || e.Seen.Contains("content-transfer-encoding")))
            {
                Add("mime-version-missing", e.HeaderOffset, e.HeaderLine, e.Path, "MIME-Version", "The message has MIME fields but no MIME-Version field.");
            }
        }

        var cte = e.Cte ?? "7bit";
        e.Cte = cte;
        var type = e.Type ?? e.DefaultType;
        var slash = type.IndexOf('/');
        e.MainType = slash > 0 ? type.Substring(0, slash) : type;
        e.SubType = slash > 0 ? type.Substring(slash + 1) : "";
        if (e.Info is not null)
        {
            e.Info.ContentType = type;
            e.Info.Charset = e.Charset;
            e.Info.TransferEncoding = cte;
            e.Info.Disposition = e.Disposition;
            e.Info.FileName = e.FileName;
        }

        if (!ended)
        {
            e.Kind = Kind.Leaf;
            return;
        }

        var composite = e.MainType == "multipart" || type == "message/rfc822";
        if (composite && cte != "7bit" && cte != "8bit" && cte != "binary")
        {
            // RFC 2045 §6.4: composite entities may only be 7bit, 8bit or binary.
            Add("multipart-encoding-invalid", e.CteOffset, e.CteLine, e.Path, "Content-Transfer-Encoding",
                $"A {type} entity with Content-Transfer-Encoding {cte}; only 7bit, 8bit or binary are allowed.");
        }

        // Postfix mime_nesting_limit, as measured on Postfix 3.7 (PostfixLimitsTests): it refuses the (limit + 3)th
        // nested multipart level and passes limit + 2. Postfix counts multipart levels only (message/rfc822 pushes
        // no boundary), so the finding is poison when every level down to this one is a multipart.
        if ((e.MainType == "multipart" || type == "message/rfc822") && e.Depth >= _o.NestingLimit + 2)
        {
            if (!_nestingReported)
            {
                _nestingReported = true;
                var multipartLevels = e.OuterMultiparts + (e.MainType == "multipart" ? 1 : 0);
                Add("nesting-too-deep", e.HeaderOffset, e.BodyLine - 1, e.Path, null,
                    $"MIME nesting {e.Depth + 1} levels deep ({multipartLevels} of them multipart), over the limit of {_o.NestingLimit} + 2 that Postfix passes; deeper parts are not checked.",
                    condition: multipartLevels > _o.NestingLimit + 2);
            }

            e.Kind = Kind.Leaf;
            e.Cte = "binary";
            return;
        }

        if (e.MainType == "multipart")
        {
            if (e.Boundary is null || e.Boundary.Length == 0)
            {
                e.Kind = Kind.Leaf;
                e.Cte = "binary";
                return;
            }

            // RFC 2046 §5.1.2: no boundary may be matched by an enclosing multipart's delimiter.
            for (var k = 0; k < _stack.Count - 1; k++)
            {
                var outer = _stack[k];
                if (outer.Kind == Kind.Multipart && outer.Boundary is not null && StartsWith(e.Boundary, outer.Boundary))
                {
                    // Poison when what follows the outer boundary is only '-' and white space: an inner delimiter line
                    // then reads as an outer delimiter or close delimiter (Python's email reads another tree).
                    Add("boundary-nested-conflict", e.CtOffset, e.CtLine, e.Path, "Content-Type",
                        $"The boundary \"{Latin1(e.Boundary, 0, e.Boundary.Length)}\" starts with the enclosing boundary \"{Latin1(outer.Boundary, 0, outer.Boundary.Length)}\" (part {outer.Path}).",
                        condition: OnlyDashOrSpace(e.Boundary, outer.Boundary.Length));
                    break;
                }
            }

            e.Kind = Kind.Multipart;
            return;
        }

        if (type == "message/rfc822")
        {
            e.Kind = Kind.Message;
            var inner = new Entity(e.Path, e.Depth + 1, e.Path, isMessage: true, _pos, _lineNo + 1) { OuterMultiparts = e.OuterMultiparts };
            Push(inner);
            return;
        }

        e.Kind = Kind.Leaf;
        e.IsText = e.MainType == "text";
        var cs = e.Charset ?? (e.IsText ? "us-ascii" : null);
        var checkedCharset = cs is not null && (cs == "utf-8" || cs == "utf8" || cs == "us-ascii");
        e.CheckUtf8 = e.IsText && (cte == "7bit" || cte == "8bit" || cte == "binary") && checkedCharset;

        // Text sent as base64 or quoted-printable is decoded as it streams and the octets checked against the
        // charset too (RFC 2046 §4.1.2): a transfer encoding does not make invalid UTF-8 valid.
        e.DecodeCheck = e.IsText && (cte == "base64" || cte == "quoted-printable") && checkedCharset;
        e.AsciiOnly = cs == "us-ascii";
        _base64Next = FastPaths && _style != 0 && BitConverter.IsLittleEndian && InBase64Body(e);
    }

    private static bool OnlyDashOrSpace(byte[] value, int from)
    {
        for (var i = from; i < value.Length; i++)
        {
            if (value[i] != '-' && value[i] != ' ' && value[i] != '\t')
            {
                return false;
            }
        }

        return true;
    }

    private static bool StartsWith(byte[] value, byte[] prefix)
    {
        if (prefix.Length > value.Length)
        {
            return false;
        }

        for (var i = 0; i < prefix.Length; i++)
        {
            if (value[i] != prefix[i])
            {
                return false;
            }
        }

        return true;
    }

    // ---------------------------------------------------------------- bodies

    private void BodyLine(Entity e)
    {
        if (e.Kind != Kind.Leaf)
        {
            if (e.Kind == Kind.Multipart && !e.FirstBoundarySeen && _keep > 2 && _line[0] == '-' && _line[1] == '-')
            {
                // A delimiter-like line of another boundary in the preamble: parts the sender wrote, all hidden there.
                e.PreambleDelimiterLike = true;
            }

            return;
        }

        if (e.DecodeCheck && _lineLen > _keep)
        {
            // A line too long to keep whole (line-too-long says so): decoding, and so the charset check, stops here.
            e.DecodeCheck = false;
        }

        if (_keep >= 5 && _line[0] == 'F' && !_bodyFromReported && _line[1] == 'r' && _line[2] == 'o' && _line[3] == 'm' && _line[4] == ' ')
        {
            // RFC 4155 §2: mbox storage splits a message at such a line, or rewrites it to ">From " (Postfix local).
            _bodyFromReported = true;
            Add("mbox-from-line", _lineStart, _lineNo, e.Path, null,
                "A body line starts with 'From ': an mbox reader takes it for the start of a new message unless it is quoted as '>From '.");
        }

        var cte = e.Encoding;
        if (cte == TransferEncoding.SevenBit && _first8 >= 0 && !e.Reported8Bit)
        {
            e.Reported8Bit = true;
            Add("8bit-in-7bit", _first8, _lineNo, e.Path, null, "An octet over 127 in a part whose transfer encoding is 7bit.");
        }

        if (cte == TransferEncoding.Base64)
        {
            Base64Line(e);
        }
        else if (cte == TransferEncoding.QuotedPrintable)
        {
            QpLine(e);
        }
        else if (e.CheckUtf8 && _first8 >= 0 && !e.ReportedDecode)
        {
            if (e.AsciiOnly ? cte != TransferEncoding.SevenBit : !Utf8Valid(_line, 0, _keep))
            {
                e.ReportedDecode = true;
                Add("charset-decode-error", _first8, _lineNo, e.Path, null,
                    e.AsciiOnly ? "Non-ASCII octets in a us-ascii text part." : "Text that is not valid UTF-8 although the part declares charset utf-8.");
            }
        }
    }

    /// <summary>RFC 2045 §6.8: the base64 alphabet, '=' padding only at the end, length a multiple of 4.</summary>
    private static readonly byte[] B64Class = BuildB64Class();

    private static byte[] BuildB64Class()
    {
        var t = new byte[256];
        for (var i = 0; i < 256; i++)
        {
            t[i] = 3;
        }

        foreach (var c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        {
            t[c] = 0;
        }

        t['='] = 1;
        t[' '] = 2;
        t['\t'] = 2;
        return t;
    }

    private void Base64Line(Entity e)
    {
        if (e.DecodeCheck && !e.ReportedDecode)
        {
            DecodeBase64(e, _line, 0, _keep, _lineStart, _lineNo);
        }

        if (e.B64Pad == 0)
        {
            // Fast path: a line of alphabet characters only.
            var table = B64Class;
            var line = _line;
            var k = 0;
            while (k < _keep && table[line[k]] == 0)
            {
                k++;
            }

            if (k == _keep)
            {
                if (k > 0)
                {
                    e.B64Count += k;
                    e.B64LastOffset = _lineStart + k - 1;
                    e.B64LastLine = _lineNo;
                }

                return;
            }
        }

        for (var x = 0; x < _keep; x++)
        {
            var c = _line[x];
            if (c == ' ' || c == '\t')
            {
                continue;
            }

            if (c == '=')
            {
                e.B64Pad++;
                _base64Next = false;
                e.B64Count++;
                if (e.B64Pad > 2 && !e.B64Reported)
                {
                    e.B64Reported = true;
                    Add("base64-invalid", _lineStart + x, _lineNo, e.Path, null, "More than two '=' padding characters.");
                }

                continue;
            }

            var valid = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
            if (!valid)
            {
                if (!e.B64Reported)
                {
                    e.B64Reported = true;
                    Add("base64-invalid", _lineStart + x, _lineNo, e.Path, null, $"The character 0x{c:X2} is not in the base64 alphabet.");
                }

                continue;
            }

            if (e.B64Pad > 0 && !e.B64AfterPadReported)
            {
                if (e.B64Count % 4 == 0)
                {
                    // A new group after a complete padded group (concatenated base64); tolerated by decoders, still wrong.
                    e.B64AfterPadReported = true;
                    Add("base64-invalid", _lineStart + x, _lineNo, e.Path, null, "Base64 data after the '=' padding.", MimeSeverity.Warning);
                }
                else if (!e.B64Reported)
                {
                    e.B64Reported = true;
                    Add("base64-invalid", _lineStart + x, _lineNo, e.Path, null, "Base64 data after a '=' inside a group.");
                }
            }

            e.B64Count++;
            e.B64LastOffset = _lineStart + x;
            e.B64LastLine = _lineNo;
        }
    }

    private void EndLeaf(Entity e, long end)
    {
        if (e.DecodeCheck && !e.ReportedDecode && e.Utf8.Need > 0)
        {
            e.ReportedDecode = true;
            Add("charset-decode-error", e.Utf8.Start, e.Utf8.StartLine, e.Path, null,
                "The text ends inside a UTF-8 sequence although the part declares charset utf-8.");
        }

        if (e.InHeader || e.Encoding != TransferEncoding.Base64)
        {
            return;
        }

        var rem = e.B64Count % 4;
        if (rem == 0 || e.B64Reported)
        {
            return;
        }

        if (rem == 1)
        {
            Add("base64-invalid", e.B64LastOffset, e.B64LastLine, e.Path, null,
                $"Base64 content of {e.B64Count:N0} characters: one stray character past a whole group (length is not a multiple of 4).");
        }
        else
        {
            Add("base64-invalid", e.B64LastOffset + 1, e.B64LastLine, e.Path, null,
                $"Base64 content of {e.B64Count:N0} characters ends without its '=' padding.");
        }
    }

    /// <summary>
    /// Decodes base64 text of a part — one kept line, or a clean line the fast path takes straight from the chunk
    /// (<paramref name="sourceBase"/> is the stream offset of <paramref name="source"/>[0]) — (RFC 2045 §6.8: 6 bits
    /// per alphabet character, white space and foreign characters skipped, '=' ends the data) and feeds the octets
    /// to the charset check; the finding points at the character that completes the offending octet.
    /// </summary>
    private void DecodeBase64(Entity e, byte[] source, int from, int to, long sourceBase, long lineNo)
    {
        // The accumulator and bit count live in locals; only an octet over 0x7F, or one inside a multi-octet
        // sequence, goes through the charset check (ASCII text costs a table lookup and a shift per character).
        var acc = e.B64Acc;
        var bits = e.B64Bits;
        if (bits < 0)
        {
            return; // after the padding
        }

        var table = B64Values;
        for (var x = from; x < to; x++)
        {
            int v = table[source[x]];
            if (v >= 64)
            {
                if (v == PadValue)
                {
                    bits = -1; // '=': the data has ended
                    break;
                }

                continue; // white space or a foreign character (base64-invalid reports it)
            }

            acc = ((acc << 6) | v) & 0x3FFF;
            bits += 6;
            if (bits >= 8)
            {
                bits -= 8;
                var octet = (acc >> bits) & 0xFF;
                if ((octet >= 0x80 || e.Utf8.Need > 0) && !FeedText(e, (byte)octet, sourceBase + x, lineNo, "base64"))
                {
                    break;
                }
            }
        }

        e.B64Acc = acc;
        e.B64Bits = bits;
    }

    private const byte PadValue = 65;

    /// <summary>RFC 2045 §6.8 Table 1: the value of each base64 character; 64 = not in the alphabet, 65 = '='.</summary>
    private static readonly byte[] B64Values = BuildB64Values();

    private static byte[] BuildB64Values()
    {
        var t = new byte[256];
        for (var i = 0; i < 256; i++)
        {
            t[i] = 64;
        }

        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (var i = 0; i < alphabet.Length; i++)
        {
            t[alphabet[i]] = (byte)i;
        }

        t['='] = PadValue;
        return t;
    }

    /// <summary>
    /// Decodes one line of a quoted-printable text part (RFC 2045 §6.7: "=XX" is an octet, "=" at the end is a
    /// soft line break, otherwise the line break is a CRLF of the text) and feeds the octets to the charset check.
    /// </summary>
    private void DecodeQpText(Entity e, int len)
    {
        // Between sequences plain ASCII needs no check, so when the line holds no literal octet over 0x7F (the
        // line scan already knows) the loop jumps from one '=' to the next with a vectorized search.
        var line = _line;
        var utf8 = e.Utf8;
        var noHigh = _first8 < 0 || _first8 - _lineStart >= len;
        var x = 0;
        while (x < len)
        {
            var c = line[x];
            if (c == '=')
            {
                if (x == len - 1)
                {
                    return; // soft line break: the text goes on on the next line
                }

                if (x + 2 < len && IsHex(line[x + 1]) && IsHex(line[x + 2]))
                {
                    c = (byte)((HexValue(line[x + 1]) << 4) | HexValue(line[x + 2]));
                    if ((c >= 0x80 || utf8.Need > 0) && !FeedText(e, c, _lineStart + x, _lineNo, "quoted-printable"))
                    {
                        return;
                    }

                    x += 3;
                    continue;
                }
            }
            else if (c < 0x80 && utf8.Need == 0)
            {
                if (noHigh)
                {
                    var next = Array.IndexOf(line, (byte)'=', x, len - x);
                    x = next < 0 ? len : next;
                }
                else
                {
                    x++;
                }

                continue;
            }

            if (!FeedText(e, c, _lineStart + x, _lineNo, "quoted-printable"))
            {
                return;
            }

            x++;
        }

        if (_terminated && utf8.Need > 0)
        {
            FeedText(e, (byte)'\r', _lineStart + len, _lineNo, "quoted-printable");
        }
    }

    private static int HexValue(byte c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    /// <summary>One decoded octet of a text part through the streaming charset check; false once it has failed.</summary>
    private bool FeedText(Entity e, byte octet, long offset, long line, string encoding)
    {
        var ok = e.AsciiOnly ? octet < 0x80 : e.Utf8.Feed(octet);
        if (e.Utf8.Need > 0 && e.Utf8.Start < 0)
        {
            e.Utf8.Start = offset;
            e.Utf8.StartLine = line;
        }
        else if (e.Utf8.Need == 0)
        {
            e.Utf8.Start = -1;
        }

        if (ok)
        {
            return true;
        }

        e.ReportedDecode = true;
        Add("charset-decode-error", offset, line, e.Path, null, e.AsciiOnly
            ? $"The {encoding} content decodes to a non-ASCII octet (0x{octet:X2}) in a us-ascii text part."
            : $"The {encoding} content decodes to text that is not valid UTF-8 (octet 0x{octet:X2}) although the part declares charset utf-8.");
        return false;
    }

    /// <summary>RFC 2045 §6.7: '=' is followed by two hex digits or ends the line; encoded lines are at most 76 characters.</summary>
    private void QpLine(Entity e)
    {
        if (_lineLen > 76 && e.QpLong++ < 1)
        {
            Add("qp-invalid", _lineStart + 76, _lineNo, e.Path, null, $"A quoted-printable line of {_lineLen:N0} characters; the limit is 76.");
        }

        var len = _keep;
        while (len > 0 && (_line[len - 1] == ' ' || _line[len - 1] == '\t'))
        {
            len--;
        }

        if (e.DecodeCheck && !e.ReportedDecode)
        {
            DecodeQpText(e, len);
        }

        for (var x = 0; x < len; x++)
        {
            x = Array.IndexOf(_line, (byte)'=', x, len - x);
            if (x < 0)
            {
                break;
            }

            if (x == len - 1)
            {
                break; // soft line break
            }

            if (x + 2 < len && IsHex(_line[x + 1]) && IsHex(_line[x + 2]))
            {
                x += 2;
                continue;
            }

            if (e.QpBad++ < 1)
            {
                Add("qp-invalid", _lineStart + x, _lineNo, e.Path, null, "A '=' in quoted-printable content that is not followed by two hex digits.");
            }
        }
    }

    private static bool IsHex(byte c) => (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');

    // ---------------------------------------------------------------- helpers

    /// <summary>Records a finding; <paramref name="condition"/> says whether its rule's poison condition holds here.</summary>
    private void Add(string rule, long offset, long line, string part, string? header, string message, MimeSeverity? severity = null,
        bool condition = false)
    {
        _ruleCounts.TryGetValue(rule, out var count);
        _ruleCounts[rule] = ++count;
        if (count > _o.MaxFindingsPerRule)
        {
            return;
        }

        var def = MimeRuleCatalog.Find(rule)!;
        if (count == _o.MaxFindingsPerRule)
        {
            message += " (further findings of this rule are not listed)";
        }

        _findings.Add(new MimeFinding(rule, severity ?? def.DefaultSeverity, offset, line, part, header, message, def.Reference,
            _o.Profile.IsPoison(rule, condition)));
    }

    internal static string Latin1(byte[] b, int index, int count)
    {
        var chars = new char[count];
        for (var i = 0; i < count; i++)
        {
            chars[i] = (char)b[index + i];
        }

        return new string(chars);
    }

    /// <summary>Strict UTF-8 validation (no overlongs, no surrogates, at most U+10FFFF), RFC 3629 §4.</summary>
    internal static bool Utf8Valid(byte[] b, int index, int count)
    {
        var end = index + count;
        var i = index;
        while (i < end)
        {
            var c = b[i];
            if (c < 0x80)
            {
                i++;
                continue;
            }

            int n;
            int min;
            if (c >= 0xC2 && c <= 0xDF)
            {
                n = 1;
                min = 0x80;
            }
            else if (c >= 0xE0 && c <= 0xEF)
            {
                n = 2;
                min = 0x800;
            }
            else if (c >= 0xF0 && c <= 0xF4)
            {
                n = 3;
                min = 0x10000;
            }
            else
            {
                return false;
            }

            if (i + n >= end)
            {
                return false;
            }

            var cp = c & (0x3F >> n);
            for (var k = 1; k <= n; k++)
            {
                var cc = b[i + k];
                if ((cc & 0xC0) != 0x80)
                {
                    return false;
                }

                cp = (cp << 6) | (cc & 0x3F);
            }

            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            {
                return false;
            }

            i += n + 1;
        }

        return true;
    }

    /// <summary>
    /// Streaming UTF-8 validation, octet by octet, with the well-formed sequences of RFC 3629 §4 (no overlongs,
    /// no surrogates, nothing above U+10FFFF): <see cref="Need"/> continuation octets are still expected, each in
    /// [<see cref="Lo"/>, <see cref="Hi"/>].
    /// </summary>
    internal sealed class Utf8Stream
    {
        public int Need { get; private set; }

        public long Start { get; set; }

        public long StartLine { get; set; }

        private byte Lo { get; set; }

        private byte Hi { get; set; }

        public bool Feed(byte c)
        {
            if (Need > 0)
            {
                if (c < Lo || c > Hi)
                {
                    Need = 0;
                    return false;
                }

                Need--;
                Lo = 0x80;
                Hi = 0xBF;
                return true;
            }

            (Need, Lo, Hi) = c switch
            {
                < 0x80 => (0, (byte)0, (byte)0),
                >= 0xC2 and <= 0xDF => (1, (byte)0x80, (byte)0xBF),
                0xE0 => (2, (byte)0xA0, (byte)0xBF),
                0xED => (2, (byte)0x80, (byte)0x9F),
                >= 0xE1 and <= 0xEF => (2, (byte)0x80, (byte)0xBF),
                0xF0 => (3, (byte)0x90, (byte)0xBF),
                >= 0xF1 and <= 0xF3 => (3, (byte)0x80, (byte)0xBF),
                0xF4 => (3, (byte)0x80, (byte)0x8F),
                _ => (-1, (byte)0, (byte)0),
            };
            if (Need < 0)
            {
                Need = 0;
                return false;
            }

            return true;
        }
    }

    internal enum TransferEncoding
    {
        None,
        SevenBit,
        EightBit,
        Binary,
        Base64,
        QuotedPrintable,
    }

    internal enum Kind
    {
        Leaf,
        Multipart,
        Message,
    }

    /// <summary>One MIME entity on the stack: its header facts and the state of its body checks.</summary>
    internal sealed class Entity
    {
        private string? _cte;

        public Entity(string path, int depth, string childPrefix, bool isMessage, long headerOffset, long headerLine)
        {
            Path = path;
            Depth = depth;
            ChildPrefix = childPrefix;
            IsMessage = isMessage;
            HeaderOffset = headerOffset;
            HeaderLine = headerLine;
        }

        public string Path { get; }
        public int Depth { get; }
        public string ChildPrefix { get; }
        public bool IsMessage { get; }
        public long HeaderOffset { get; }
        public long HeaderLine { get; }
        public MimePartInfo? Info { get; set; }
        public bool InHeader { get; set; } = true;
        public Kind Kind { get; set; }
        public string DefaultType { get; set; } = "text/plain";
        public HashSet<string> Seen { get; } = new(StringComparer.Ordinal);
        public int FieldCount { get; set; }
        public int ReceivedCount { get; set; }

        /// <summary>How many multipart entities enclose this one (Postfix counts these against mime_nesting_limit).</summary>
        public int OuterMultiparts { get; set; }
        public int NoColonCount { get; set; }
        public bool FieldAfterNoColon { get; set; }

        /// <summary>A field came after the first colon-less line (header-no-colon's poison condition).</summary>
        public bool FieldAfterFirstNoColon { get; set; }

        /// <summary>A header-invalid-name finding in the message header that becomes poison if a field follows.</summary>
        public MimeFinding? InvalidNameFinding { get; set; }
        public long NoColonOffset { get; set; }
        public long NoColonLine { get; set; }
        public string? Type { get; set; }
        public string MainType { get; set; } = "text";
        public string SubType { get; set; } = "plain";
        public long CtOffset { get; set; }
        public long CtLine { get; set; }
        /// <summary>The Content-Transfer-Encoding, lower case; setting it sets <see cref="Encoding"/>.</summary>
        public string? Cte
        {
            get => _cte;
            set
            {
                _cte = value;
                Encoding = value switch
                {
                    "7bit" => TransferEncoding.SevenBit,
                    "8bit" => TransferEncoding.EightBit,
                    "binary" => TransferEncoding.Binary,
                    "base64" => TransferEncoding.Base64,
                    "quoted-printable" => TransferEncoding.QuotedPrintable,
                    _ => TransferEncoding.None,
                };
            }
        }

        /// <summary><see cref="Cte"/> as a number, so the per-line checks compare no strings.</summary>
        public TransferEncoding Encoding { get; private set; }

        public long CteOffset { get; set; }
        public long CteLine { get; set; }
        public string? Charset { get; set; }
        public byte[]? Boundary { get; set; }
        public string? Disposition { get; set; }
        public string? FileName { get; set; }
        public long BodyOffset { get; set; } = -1;
        public long BodyLine { get; set; }
        public long Lines { get; set; }
        public bool FirstBoundarySeen { get; set; }

        /// <summary>A line starting "--" before the first delimiter (boundary-not-found's poison condition).</summary>
        public bool PreambleDelimiterLike { get; set; }
        public bool Closed { get; set; }
        public int ChildCount { get; set; }
        public bool IsText { get; set; }
        public bool CheckUtf8 { get; set; }
        public bool AsciiOnly { get; set; }
        public bool Reported8Bit { get; set; }
        public bool ReportedDecode { get; set; }

        /// <summary>Base64 or quoted-printable text whose decoded octets are checked against the charset.</summary>
        public bool DecodeCheck { get; set; }

        /// <summary>Decoding state of base64 text: the bits not yet an octet, and how many (-1 after padding).</summary>
        public int B64Acc { get; set; }

        public int B64Bits { get; set; }

        public Utf8Stream Utf8 { get; } = new() { Start = -1 };
        public long B64Count { get; set; }
        public int B64Pad { get; set; }
        public bool B64Reported { get; set; }
        public bool B64AfterPadReported { get; set; }
        public long B64LastOffset { get; set; }
        public long B64LastLine { get; set; }
        public int QpLong { get; set; }
        public int QpBad { get; set; }
    }
}
