using System;
using System.Text;

namespace Outage.Tools.Core.Dns;

/// <summary>
/// Reads the DNS wire format from a byte array (RFC 1035 §3.1, §4.1.4). Every read is bounds-checked against
/// the message; compression pointers must point strictly backwards (so they cannot loop), and a name is at
/// most 255 octets with labels of at most 63 (RFC 1035 §2.3.4).
/// </summary>
internal sealed class DnsReader
{
    private readonly byte[] _buffer;
    private readonly int _end;

    public DnsReader(byte[] buffer, int offset, int count)
    {
        _buffer = buffer ?? throw new ArgumentNullException(nameof(buffer));
        if (offset < 0 || count < 0 || offset + count > buffer.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        Start = offset;
        Position = offset;
        _end = offset + count;
    }

    /// <summary>Where the message starts: compression pointers are relative to it.</summary>
    public int Start { get; }

    public int Position { get; set; }

    public int End => _end;

    public int Remaining => _end - Position;

    public byte[] Buffer => _buffer;

    private void Need(int n)
    {
        if (n < 0 || Position + n > _end)
        {
            throw new DnsFormatException($"The message ends early: {n} more octet(s) needed at offset {Position - Start}.");
        }
    }

    public byte ReadByte()
    {
        Need(1);
        return _buffer[Position++];
    }

    public ushort ReadUInt16()
    {
        Need(2);
        var v = (ushort)((_buffer[Position] << 8) | _buffer[Position + 1]);
        Position += 2;
        return v;
    }

    public uint ReadUInt32()
    {
        Need(4);
        var v = ((uint)_buffer[Position] << 24) | ((uint)_buffer[Position + 1] << 16) | ((uint)_buffer[Position + 2] << 8) | _buffer[Position + 3];
        Position += 4;
        return v;
    }

    public byte[] ReadBytes(int n)
    {
        Need(n);
        var b = new byte[n];
        System.Buffer.BlockCopy(_buffer, Position, b, 0, n);
        Position += n;
        return b;
    }

    /// <summary>An RFC 1035 &lt;character-string&gt;: one length octet then that many octets.</summary>
    public byte[] ReadCharacterString() => ReadBytes(ReadByte());

    /// <summary>
    /// A domain name in presentation form with a trailing dot ("mail.example.test."; the root is ".").
    /// Follows compression pointers (RFC 1035 §4.1.4) only backwards; label types 01 and 10 are rejected.
    /// </summary>
    public string ReadName(bool allowCompression = true)
    {
        var sb = new StringBuilder();
        var pos = Position;
        var jumped = false;
        var wireLength = 0;
        var limit = pos; // a pointer must point strictly before the label that holds it
        var hops = 0;
        while (true)
        {
            if (pos >= _end)
            {
                throw new DnsFormatException($"A name runs past the end of the message at offset {pos - Start}.");
            }

            var len = _buffer[pos];
            if (len == 0)
            {
                pos++;
                wireLength++;
                break;
            }

            var kind = len & 0xC0;
            if (kind == 0xC0)
            {
                if (!allowCompression)
                {
                    throw new DnsFormatException("A compression pointer where compression is not allowed (RFC 3597 §4).");
                }

                if (pos + 1 >= _end)
                {
                    throw new DnsFormatException("A compression pointer is cut off by the end of the message.");
                }

                var target = Start + (((len & 0x3F) << 8) | _buffer[pos + 1]);
                if (!jumped)
                {
                    Position = pos + 2;
                    jumped = true;
                }

                if (target >= limit || ++hops > 127)
                {
                    throw new DnsFormatException($"A compression pointer at offset {pos - Start} does not point backwards (a loop).");
                }

                limit = target;
                pos = target;
                continue;
            }

            if (kind != 0)
            {
                throw new DnsFormatException($"Unsupported label type 0x{len:X2} at offset {pos - Start}.");
            }

            if (pos + 1 + len > _end)
            {
                throw new DnsFormatException($"A label runs past the end of the message at offset {pos - Start}.");
            }

            wireLength += len + 1;
            if (wireLength + 1 > DnsName.MaxWireLength)
            {
                throw new DnsFormatException("A name is longer than 255 octets (RFC 1035 §2.3.4).");
            }

            DnsName.AppendLabel(sb, _buffer, pos + 1, len);
            sb.Append('.');
            pos += 1 + len;
        }

        if (!jumped)
        {
            Position = pos;
        }

        return sb.Length == 0 ? "." : sb.ToString();
    }
}
