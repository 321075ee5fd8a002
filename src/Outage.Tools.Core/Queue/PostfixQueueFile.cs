using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Queue;

/// <summary>
/// Reads the message content of a Postfix queue file the way <c>postcat -bh</c> prints it (Postfix source
/// src/global/rec_type.h, record.c, src/postcat/postcat.c), without a process per message.
/// <para>
/// A queue file is a sequence of typed records: one type octet, the data length as a base-128 number (7 bits
/// per octet, least significant first, high bit set on every octet but the last; record.c rec_get_raw), then the
/// data. The envelope comes first; its SIZE record (<c>C</c>) says "data_size data_offset ...", where
/// data_offset is the first record of the message content (postcat seeks there when it prints no envelope). The
/// content is NORM records (<c>N</c>: a line, its terminator removed) and CONT records (<c>L</c>: part of a
/// longer line, continued by the next record) up to the XTRA record (<c>X</c>). A PTR record (<c>p</c>, a
/// decimal offset) continues reading at that offset (header_checks and milters rewrite headers this way).
/// </para>
/// </summary>
public static class PostfixQueueFile
{
    /// <summary>Record types used here (rec_type.h).</summary>
    internal const byte RecSize = (byte)'C', RecTime = (byte)'T', RecMesg = (byte)'M', RecNorm = (byte)'N', RecCont = (byte)'L',
        RecXtra = (byte)'X', RecEnd = (byte)'E', RecPtr = (byte)'p', RecDtxt = (byte)'w';

    /// <summary>The envelope record types a queue file may start with (rec_type.h REC_TYPE_ENVELOPE).</summary>
    private const string EnvelopeTypes = "MCTcFILSDRO/WVAKf>dm<";

    /// <summary>More backward jumps than this in one file is a loop (record.c rec_goto: REVERSE_JUMP_LIMIT).</summary>
    private const int ReverseJumpLimit = 10000;

    /// <summary>
    /// The message content of a queue file as postcat -bh prints it, with each line's CRLF restored
    /// (RFC 5322 section 2.1). Throws <see cref="InvalidDataException"/> when the file is not a queue file.
    /// </summary>
    public static MemoryStream ReadContent(byte[] file, int length, bool maildrop = false)
    {
        if (file is null)
        {
            throw new ArgumentNullException(nameof(file));
        }

        if (length == 0 || EnvelopeTypes.IndexOf((char)file[0]) < 0)
        {
            throw new InvalidDataException("not a Postfix queue file (no envelope record at offset 0)");
        }

        var output = new MemoryStream(length + (length / 16) + 64);
        var pos = 0;
        var inContent = false;
        var reverseJumps = 0;
        var lastTarget = 0L;
        var prev = (byte)0;

        // Postfix 3.11 maildrop files may have a preliminary SIZE record (postcat.c): read those from the start.
        if (!maildrop && file[0] == RecSize)
        {
            var (_, start, end) = Next(file, length, 0);
            var fields = Latin1(file, start, end - start).Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 2 && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var dataOffset)
                && dataOffset > 0 && dataOffset < length)
            {
                pos = (int)dataOffset;
                inContent = true;
            }
        }

        while (pos < length)
        {
            var (type, start, end) = Next(file, length, pos);
            pos = end;
            if (type == RecPtr)
            {
                if (!long.TryParse(Latin1(file, start, end - start).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var target)
                    || target < 0 || target >= length)
                {
                    throw new InvalidDataException($"a pointer record at offset {start} points outside the file");
                }

                // A zero pointer is the end of a chain that was never extended (cleanup writes "0" as a placeholder).
                if (target != 0)
                {
                    if (target <= lastTarget && ++reverseJumps > ReverseJumpLimit)
                    {
                        throw new InvalidDataException($"more than {ReverseJumpLimit} backward pointer records (a loop)");
                    }

                    lastTarget = target;
                    pos = (int)target;
                }

                continue;
            }

            if (!inContent)
            {
                if (type == RecMesg)
                {
                    inContent = true;
                }
                else if (type == RecEnd)
                {
                    break;
                }

                continue;
            }

            if (type == RecNorm || type == RecCont)
            {
                WriteCrlf(output, file, start, end - start);
                if (type == RecNorm)
                {
                    output.WriteByte((byte)'\r');
                    output.WriteByte((byte)'\n');
                }

                prev = type;
            }
            else if (type == RecXtra || type == RecEnd)
            {
                break;
            }
        }

        if (prev == RecCont)
        {
            output.WriteByte((byte)'\r');
            output.WriteByte((byte)'\n');
        }

        output.Position = 0;
        return output;
    }

    /// <summary>
    /// Copies record data, each LF as CRLF, as <see cref="PostfixQueue.ToCrlf"/> does to postcat's output (Postfix
    /// splits lines at LF, so a record rarely holds one; a single search finds none in the common case).
    /// </summary>
    private static void WriteCrlf(MemoryStream output, byte[] data, int start, int count)
    {
        var end = start + count;
        while (start < end)
        {
            var lf = Array.IndexOf(data, (byte)'\n', start, end - start);
            if (lf < 0)
            {
                output.Write(data, start, end - start);
                return;
            }

            output.Write(data, start, lf - start);
            output.WriteByte((byte)'\r');
            output.WriteByte((byte)'\n');
            start = lf + 1;
        }
    }

    /// <summary>One record at <paramref name="pos"/>: its type and where its data starts and ends.</summary>
    private static (byte Type, int Start, int End) Next(byte[] file, int length, int pos)
    {
        var type = file[pos++];
        long len = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (shift >= 32 || pos >= length)
            {
                throw new InvalidDataException($"a record length at offset {pos} is cut off or too long");
            }

            var b = file[pos++];
            len |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                break;
            }
        }

        if (len > length - pos)
        {
            throw new InvalidDataException($"a record of {len} octets at offset {pos} runs past the end of the file");
        }

        return (type, pos, pos + (int)len);
    }

    private static string Latin1(byte[] b, int start, int count)
    {
        var chars = new char[count];
        for (var i = 0; i < count; i++)
        {
            chars[i] = (char)b[start + i];
        }

        return new string(chars);
    }
}

/// <summary>
/// The queue directory of one Postfix instance (postconf -c DIR -h queue_directory), with an index of its
/// queue files so content is read from the files. A file that cannot be read (permissions, a message that moved
/// or left) falls back to postcat, which gives the same bytes (tested) or says the message is gone.
/// </summary>
internal sealed class PostfixSpool
{
    /// <summary>The queues postcat -q searches, in its order (postcat.c).</summary>
    internal static readonly string[] QueueNames = { "maildrop", "incoming", "active", "deferred", "hold", "saved" };

    private readonly string? _configDirectory;
    private readonly Lazy<string?> _queueDirectory;
    private readonly Lazy<Dictionary<string, string>> _index;

    public PostfixSpool(string? configDirectory, string? queueDirectory = null)
    {
        _configDirectory = configDirectory;
        _queueDirectory = new Lazy<string?>(() => queueDirectory ?? PostfixConfig.Read(configDirectory, CancellationToken.None).Get("queue_directory"),
            LazyThreadSafetyMode.ExecutionAndPublication);
        _index = new Lazy<Dictionary<string, string>>(BuildIndex, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>How content was read: counted for -Verbose and the benchmark.</summary>
    public int DirectReads;

    public int FallbackReads;

    /// <summary>The last reason a file could not be read directly.</summary>
    public string? LastFallbackReason;

    public string? QueueDirectory => _queueDirectory.Value;

    private Dictionary<string, string> BuildIndex()
    {
        var index = new Dictionary<string, string>(StringComparer.Ordinal);
        var root = QueueDirectory;
        if (string.IsNullOrEmpty(root))
        {
            return index;
        }

        foreach (var q in QueueNames)
        {
            var dir = Path.Combine(root!, q);
            try
            {
                foreach (var f in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
                {
                    index[Path.GetFileName(f)] = f;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Unreadable queue folder: those messages are read with postcat.
            }
        }

        return index;
    }

    /// <summary>The content of a queued message, from its file or else from postcat.</summary>
    public Stream Open(QueueMessage m, CancellationToken ct) => Open(m, ct, null);

    /// <summary>The content, from <paramref name="listedPath"/> (where a listing of the queue folders saw it) first.</summary>
    public Stream Open(QueueMessage m, CancellationToken ct, string? listedPath)
    {
        var direct = TryReadFile(m, out var reason, listedPath);
        if (direct is not null)
        {
            Interlocked.Increment(ref DirectReads);
            return direct;
        }

        Interlocked.Increment(ref FallbackReads);
        LastFallbackReason = reason;
        return PostfixQueue.OpenContentWithPostcat(m, ct);
    }

    /// <summary>Reads the queue file; null (with the reason) when it cannot be read.</summary>
    internal MemoryStream? TryReadFile(QueueMessage m, out string? reason, string? listedPath = null)
    {
        reason = null;
        string? root;
        try
        {
            root = QueueDirectory;
        }
        catch (OutageException ex)
        {
            reason = ex.Message;
            return null;
        }

        if (string.IsNullOrEmpty(root))
        {
            reason = "postconf gave no queue_directory";
            return null;
        }

        foreach (var path in listedPath is null ? Candidates(root!, m) : new[] { listedPath }.Concat(Candidates(root!, m)))
        {
            byte[] bytes;
            int length;
            try
            {
                length = ReadAll(path, ref _readBuffer);
                bytes = _readBuffer!;
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                continue;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                reason = ex.Message;
                return null;
            }

            var arriving = path.IndexOf(Path.DirectorySeparatorChar + "incoming" + Path.DirectorySeparatorChar, StringComparison.Ordinal) >= 0
                || path.IndexOf(Path.DirectorySeparatorChar + "maildrop" + Path.DirectorySeparatorChar, StringComparison.Ordinal) >= 0;
            if (arriving && (length < 2 || bytes[length - 2] != RecEndType || bytes[length - 1] != 0))
            {
                // A complete queue file ends with its END record (type E, length 0); one without it is still being written.
                reason = $"{path}: no END record yet (still being written)";
                return null;
            }

            try
            {
                return PostfixQueueFile.ReadContent(bytes, length, path.IndexOf(Path.DirectorySeparatorChar + "maildrop" + Path.DirectorySeparatorChar, StringComparison.Ordinal) >= 0);
            }
            catch (InvalidDataException ex)
            {
                // A file being written or rewritten: postcat decides.
                reason = $"{path}: {ex.Message}";
                return null;
            }
            finally
            {
                if (bytes.Length > RetainedBufferLimit)
                {
                    _readBuffer = null; // a huge message's buffer is not kept for the small ones after it
                }
            }
        }

        reason ??= "no queue file for " + m.Id;
        return null;
    }

    private IEnumerable<string> Candidates(string root, QueueMessage m)
    {
        if (_index.Value.TryGetValue(m.Id, out var indexed))
        {
            yield return indexed;
        }

        // The message may have moved (deferred -> active) since the index was made: its queue first, then all.
        foreach (var q in new[] { m.Queue }.Concat(QueueNames.Where(n => n != m.Queue)))
        {
            if (string.IsNullOrEmpty(q))
            {
                continue;
            }

            yield return Path.Combine(root, q, m.Id);
            if (m.Id.Length > 0)
            {
                // hash_queue_depth = 1 (the default): one level of subfolders named by the id's first character.
                yield return Path.Combine(root, q, m.Id.Substring(0, 1), m.Id);
            }
        }
    }

    /// <summary>Each worker thread's read buffer, kept between messages (a queue file is read whole, then parsed).</summary>
    [ThreadStatic]
    private static byte[]? _readBuffer;

    private const int RetainedBufferLimit = 4 * 1024 * 1024;

    private const byte RecEndType = (byte)'E';

    /// <summary>Reads the whole file into <paramref name="buffer"/> (grown when too small); returns its length.</summary>
    private static int ReadAll(string path, ref byte[]? buffer)
    {
        // No SequentialScan: a queue file is read whole at once, and its posix_fadvise would be one more system call per message.
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
        var length = s.Length;
        if (length > int.MaxValue - 64)
        {
            throw new IOException($"{path} is too large to read at once");
        }

        if (buffer is null || buffer.Length < length)
        {
            buffer = new byte[Math.Max(length, 64 * 1024)];
        }

        var read = 0;
        while (read < length)
        {
            var n = s.Read(buffer, read, (int)length - read);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return read;
    }
}
