using System;
using System.Collections.Generic;

namespace Outage.Tools.Core.Mime;

/// <summary>
/// Splits an mbox (RFC 4155) on the fly: a line that starts with "From " at the start of the file or after an
/// empty line separates messages; it is not part of either. Each message goes to its own linter, with
/// offsets and line numbers of the file.
/// </summary>
internal sealed class MboxSplitter
{
    private readonly MimeLintOptions _options;
    private readonly string _name;
    private readonly byte[] _carry = new byte[8];
    private int _carryLen;
    private long _pos;
    private long _lineNo = 1;
    private bool _atLineStart = true;
    private bool _prevEmpty = true;
    private bool _lineEmpty = true;
    private bool _inSeparator;
    private MimeLinter? _linter;
    private long _start;
    private int _index;

    public MboxSplitter(MimeLintOptions options, string name)
    {
        _options = options;
        _name = name;
    }

    internal sealed class Done
    {
        public Done(int index, long start, long size, IReadOnlyList<MimeFinding> findings)
        {
            Index = index;
            Start = start;
            Size = size;
            Findings = findings;
        }

        public int Index { get; }

        public long Start { get; }

        public long Size { get; }

        public IReadOnlyList<MimeFinding> Findings { get; }
    }

    public List<Done> Feed(byte[] buffer, int offset, int count)
    {
        var done = new List<Done>();
        byte[] buf;
        int i;
        int end;
        if (_carryLen > 0)
        {
            buf = new byte[_carryLen + count];
            Buffer.BlockCopy(_carry, 0, buf, 0, _carryLen);
            Buffer.BlockCopy(buffer, offset, buf, _carryLen, count);
            i = 0;
            end = buf.Length;
            _carryLen = 0;
        }
        else
        {
            buf = buffer;
            i = offset;
            end = offset + count;
        }

        var feedFrom = i;
        while (i < end)
        {
            if (_atLineStart)
            {
                if (end - i < 5 && Array.IndexOf(buf, (byte)'\n', i, end - i) < 0)
                {
                    // Not enough octets to tell whether this line starts with "From ": keep them for the next chunk.
                    FeedLinter(buf, feedFrom, i - feedFrom);
                    _carryLen = end - i;
                    Buffer.BlockCopy(buf, i, _carry, 0, _carryLen);
                    return done;
                }

                _atLineStart = false;
                _lineEmpty = true;
                if (_prevEmpty && end - i >= 5 && buf[i] == 'F' && buf[i + 1] == 'r' && buf[i + 2] == 'o' && buf[i + 3] == 'm' && buf[i + 4] == ' ')
                {
                    FeedLinter(buf, feedFrom, i - feedFrom);
                    Close(done);
                    _inSeparator = true;
                }
                else if (_linter is null && !_inSeparator)
                {
                    _start = _pos;
                    _linter = new MimeLinter(_options, _name, _pos, _lineNo);
                    _index++;
                }
            }

            var lf = Array.IndexOf(buf, (byte)'\n', i, end - i);
            var segEnd = lf < 0 ? end : lf;
            if (segEnd > i && !(segEnd - i == 1 && buf[i] == '\r'))
            {
                _lineEmpty = false;
            }

            if (lf < 0)
            {
                _pos += end - i;
                i = end;
                break;
            }

            _pos += lf + 1 - i;
            i = lf + 1;
            _lineNo++;
            _atLineStart = true;
            _prevEmpty = _lineEmpty;
            if (_inSeparator)
            {
                _inSeparator = false;
                feedFrom = i;
                _start = _pos;
                _linter = new MimeLinter(_options, _name, _pos, _lineNo);
                _index++;
            }
        }

        if (!_inSeparator)
        {
            FeedLinter(buf, feedFrom, i - feedFrom);
        }

        return done;
    }

    private void FeedLinter(byte[] buf, int from, int count)
    {
        if (count <= 0 || _inSeparator)
        {
            return;
        }

        if (_linter is null)
        {
            _start = _pos;
            _linter = new MimeLinter(_options, _name, _pos, _lineNo);
            _index++;
        }

        _linter.Feed(buf, from, count);
    }

    private void Close(List<Done> done)
    {
        if (_linter is null)
        {
            return;
        }

        var findings = _linter.Finish();
        done.Add(new Done(_index, _start, _linter.BytesProcessed, findings));
        _linter = null;
    }

    public List<Done> Finish()
    {
        var done = new List<Done>();
        if (_carryLen > 0)
        {
            var c = new byte[_carryLen];
            Buffer.BlockCopy(_carry, 0, c, 0, _carryLen);
            _carryLen = 0;
            _atLineStart = false;
            if (!_inSeparator)
            {
                FeedLinter(c, 0, c.Length);
            }

            _pos += c.Length;
        }

        Close(done);
        return done;
    }
}
