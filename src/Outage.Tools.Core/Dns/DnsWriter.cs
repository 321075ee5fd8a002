using System;
using System.Collections.Generic;

namespace Outage.Tools.Core.Dns;

/// <summary>
/// Writes the DNS wire format into a growing byte array, with name compression (RFC 1035 §4.1.4): every
/// suffix written at an offset below 0x4000 can be pointed to later. Compression is used only where
/// RFC 3597 §4 allows it (names in the RDATA of well-known types are written uncompressed elsewhere).
/// </summary>
internal sealed class DnsWriter
{
    private byte[] _buffer;
    private readonly Dictionary<string, int> _names = new(StringComparer.OrdinalIgnoreCase);

    public DnsWriter(int capacity = 512)
    {
        _buffer = new byte[capacity];
    }

    public int Length { get; private set; }

    private void Ensure(int n)
    {
        if (Length + n > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + n));
        }
    }

    public void WriteByte(byte b)
    {
        Ensure(1);
        _buffer[Length++] = b;
    }

    public void WriteUInt16(ushort v)
    {
        Ensure(2);
        _buffer[Length++] = (byte)(v >> 8);
        _buffer[Length++] = (byte)v;
    }

    public void WriteUInt32(uint v)
    {
        Ensure(4);
        _buffer[Length++] = (byte)(v >> 24);
        _buffer[Length++] = (byte)(v >> 16);
        _buffer[Length++] = (byte)(v >> 8);
        _buffer[Length++] = (byte)v;
    }

    public void WriteBytes(byte[] b)
    {
        Ensure(b.Length);
        Buffer.BlockCopy(b, 0, _buffer, Length, b.Length);
        Length += b.Length;
    }

    public void WriteCharacterString(byte[] b)
    {
        if (b.Length > 255)
        {
            throw new ArgumentException("A <character-string> holds at most 255 octets (RFC 1035 §3.3).");
        }

        WriteByte((byte)b.Length);
        WriteBytes(b);
    }

    /// <summary>Patches a 16-bit value written earlier (RDLENGTH, the TCP length prefix).</summary>
    public void PatchUInt16(int at, ushort v)
    {
        _buffer[at] = (byte)(v >> 8);
        _buffer[at + 1] = (byte)v;
    }

    public void WriteName(string name, bool compress = true)
    {
        var labels = DnsName.ToLabels(name);
        for (var i = 0; i < labels.Count; i++)
        {
            var suffix = DnsName.JoinFrom(labels, i);
            if (compress && _names.TryGetValue(suffix, out var at))
            {
                WriteUInt16((ushort)(0xC000 | at));
                return;
            }

            if (compress && Length < 0x3FFF)
            {
                _names[suffix] = Length;
            }

            WriteByte((byte)labels[i].Length);
            WriteBytes(labels[i]);
        }

        WriteByte(0);
    }

    public byte[] ToArray()
    {
        var b = new byte[Length];
        Buffer.BlockCopy(_buffer, 0, b, 0, Length);
        return b;
    }
}
