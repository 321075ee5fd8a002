using MimeKit;

namespace Outage.Tools.Mime.Reference.Tests;

/// <summary>One entity of a part tree, in document order, in the terms both trees can be compared in.</summary>
public sealed record TreeNode(string Type, int Depth, long HeaderStart, long BodyStart, long End)
{
    public override string ToString() => $"{new string(' ', Depth * 2)}{Type} header@{HeaderStart} body@{BodyStart} end@{End}";
}

/// <summary>
/// MimeKit's part tree through its <see cref="MimeReader"/> callbacks (offsets into the stream). Normalised to our
/// shape: a message (the top one, or one inside message/rfc822) and the entity its header introduces are one
/// node, at the depth of the message, starting at the message's first header line (MimeKit reports them as two).
/// </summary>
public sealed class MimeKitTree : MimeReader
{
    private readonly List<TreeNode> _nodes = new();
    private readonly Stack<int> _open = new();
    private long _pendingMessage = -1;

    private MimeKitTree(Stream stream) : base(stream, MimeFormat.Entity)
    {
    }

    /// <summary>The tree, or the error MimeKit refuses the message with (a FormatException when it finds no header).</summary>
    public static (IReadOnlyList<TreeNode> Nodes, string? Error) Read(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, false);
        var reader = new MimeKitTree(stream);
        try
        {
            reader.ReadMessage();
        }
        catch (FormatException ex)
        {
            return (reader._nodes, ex.Message);
        }

        return (reader._nodes, null);
    }

    protected override void OnMimeMessageBegin(long beginOffset, int beginLineNumber, CancellationToken cancellationToken)
    {
        _pendingMessage = beginOffset;
    }

    private void Begin(ContentType type, long beginOffset)
    {
        if (_open.Count > 0 && _nodes[_open.Peek()].Type == "text/rfc822-headers" || _skip > 0)
        {
            // (5) MimeKit reads text/rfc822-headers (RFC 6522) as an embedded message; we, as the RFC, as a leaf.
            _skip++;
            _pendingMessage = -1;
            return;
        }

        var start = _pendingMessage >= 0 ? _pendingMessage : beginOffset;
        _pendingMessage = -1;
        _nodes.Add(new TreeNode($"{type.MediaType}/{type.MediaSubtype}".ToLowerInvariant(), _open.Count, start, -1, -1));
        _open.Push(_nodes.Count - 1);
    }

    private int _skip;

    private void End(long headersEndOffset, long endOffset)
    {
        if (_skip > 0)
        {
            _skip--;
            return;
        }

        var i = _open.Pop();
        var n = _nodes[i];
        _nodes[i] = n with { BodyStart = headersEndOffset, End = endOffset };
    }

    protected override void OnMimePartBegin(ContentType contentType, long beginOffset, int beginLineNumber, CancellationToken cancellationToken) =>
        Begin(contentType, beginOffset);

    protected override void OnMimePartEnd(ContentType contentType, long beginOffset, int beginLineNumber, long headersEndOffset, long endOffset, int lines, CancellationToken cancellationToken) =>
        End(headersEndOffset, endOffset);

    protected override void OnMultipartBegin(ContentType contentType, long beginOffset, int beginLineNumber, CancellationToken cancellationToken) =>
        Begin(contentType, beginOffset);

    protected override void OnMultipartEnd(ContentType contentType, long beginOffset, int beginLineNumber, long headersEndOffset, long endOffset, int lines, CancellationToken cancellationToken) =>
        End(headersEndOffset, endOffset);

    protected override void OnMessagePartBegin(ContentType contentType, long beginOffset, int beginLineNumber, CancellationToken cancellationToken) =>
        Begin(contentType, beginOffset);

    protected override void OnMessagePartEnd(ContentType contentType, long beginOffset, int beginLineNumber, long headersEndOffset, long endOffset, int lines, CancellationToken cancellationToken)
    {
        End(headersEndOffset, endOffset);
    }
}
