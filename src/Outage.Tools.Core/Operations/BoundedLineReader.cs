using System;
using System.IO;
using System.Text;

namespace Outage.Tools.Core.Operations;

/// <summary>
/// Reads lines (ended by LF, CRLF or CR, as <see cref="TextReader.ReadLine"/>) but never keeps more than
/// <see cref="MaxLineLength"/> characters of one line: a longer line is consumed to its end without being kept
/// and reported through <see cref="LastLineTooLong"/>, so a 300 MB line or a 1 GB run of NUL bytes costs no
/// more memory than the cap. With <see cref="MaxTotalChars"/> (for pipes, devices and other sources that are not
/// regular files) reading stops after that much and <see cref="LimitReached"/> says so: /dev/zero ends.
/// </summary>
public sealed class BoundedLineReader
{
    /// <summary>1 Mi characters: far above any real listing, history or header line.</summary>
    public const int DefaultMaxLineLength = 1 << 20;

    /// <summary>What is read from a source that is not a regular file (pipe, FIFO, device): 256 Mi characters.</summary>
    public const long DefaultMaxNonSeekableChars = 256L << 20;

    private readonly TextReader _reader;
    private readonly char[] _buffer = new char[8192];
    private readonly StringBuilder _line = new();
    private int _pos;
    private int _len;
    private long _total;
    private bool _end;

    public BoundedLineReader(TextReader reader, int maxLineLength = DefaultMaxLineLength, long maxTotalChars = long.MaxValue)
    {
        _reader = reader ?? throw new ArgumentNullException(nameof(reader));
        if (maxLineLength < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxLineLength));
        }

        MaxLineLength = maxLineLength;
        MaxTotalChars = maxTotalChars;
    }

    /// <summary>
    /// A reader for <paramref name="stream"/> (UTF-8) that reads no more than the source holds: a seekable stream
    /// at most its length when opened plus <see cref="GrowthAllowance"/> (a history appended while it is read; a
    /// device such as /dev/zero seeks but has length 0), anything else at most <see cref="DefaultMaxNonSeekableChars"/>.
    /// </summary>
    public static BoundedLineReader For(Stream stream, int maxLineLength = DefaultMaxLineLength) =>
        new(new StreamReader(stream ?? throw new ArgumentNullException(nameof(stream)), new UTF8Encoding(false), true),
            maxLineLength, stream.CanSeek ? stream.Length - stream.Position + GrowthAllowance : DefaultMaxNonSeekableChars);

    /// <summary>How much more than its length a seekable source may give: 1 Mi characters.</summary>
    public const long GrowthAllowance = 1 << 20;

    public int MaxLineLength { get; }

    public long MaxTotalChars { get; }

    /// <summary>The 1-based number of the line last returned.</summary>
    public long LineNumber { get; private set; }

    /// <summary>The line last returned was longer than <see cref="MaxLineLength"/>; it was returned empty.</summary>
    public bool LastLineTooLong { get; private set; }

    /// <summary>Reading stopped at <see cref="MaxTotalChars"/>, before the end of the source.</summary>
    public bool LimitReached { get; private set; }

    /// <summary>The next line, or null at the end (or at the limit). A line over the cap comes back as "" with <see cref="LastLineTooLong"/>.</summary>
    public string? ReadLine()
    {
        _line.Clear();
        LastLineTooLong = false;
        var any = false;
        while (true)
        {
            if (_pos == _len && !Fill())
            {
                if (!any)
                {
                    return null;
                }

                break;
            }

            any = true;
            var c = _buffer[_pos++];
            if (c == '\n')
            {
                break;
            }

            if (c == '\r')
            {
                if ((_pos < _len || Fill()) && _buffer[_pos] == '\n')
                {
                    _pos++;
                }

                break;
            }

            if (LastLineTooLong)
            {
                continue;
            }

            if (_line.Length >= MaxLineLength)
            {
                LastLineTooLong = true;
                _line.Clear();
                continue;
            }

            _line.Append(c);
        }

        LineNumber++;
        return LastLineTooLong ? string.Empty : _line.ToString();
    }

    private bool Fill()
    {
        if (_end)
        {
            return false;
        }

        var want = _buffer.Length;
        if (MaxTotalChars != long.MaxValue)
        {
            var left = MaxTotalChars - _total;
            if (left <= 0)
            {
                _end = true;
                LimitReached = true;
                return false;
            }

            want = (int)Math.Min(want, left);
        }

        _len = _reader.Read(_buffer, 0, want);
        _pos = 0;
        if (_len <= 0)
        {
            _len = 0;
            _end = true;
            return false;
        }

        _total += _len;
        return true;
    }
}
