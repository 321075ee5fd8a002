using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Queue;

/// <summary>Hold, release, delete.</summary>
public enum QueueAction
{
    Hold,
    Release,
    Delete,
}

/// <summary>What became of one message named by an action.</summary>
public enum QueueActionState
{
    /// <summary>The tool did it (postsuper/exim confirmed the message, or the spool file was deleted).</summary>
    Succeeded,

    /// <summary>Nothing to do: the message was already in the wanted state (already on hold, not on hold).</summary>
    Unchanged,

    /// <summary>-WhatIf / --what-if: the message would be acted on; nothing was changed.</summary>
    WhatIf,
}

/// <summary>The result of an action on one message.</summary>
public sealed class QueueActionResult
{
    public QueueSourceKind Source { get; set; }

    public string ComputerName { get; set; } = string.Empty;

    public string Id { get; set; } = string.Empty;

    /// <summary>The message's queue after the action (hold after a hold; Postfix releases into deferred).</summary>
    public string Queue { get; set; } = string.Empty;

    public QueueAction Action { get; set; }

    public QueueActionState State { get; set; }

    /// <summary>True when the message is now as the action wants it (Succeeded or Unchanged).</summary>
    public bool Succeeded => State is QueueActionState.Succeeded or QueueActionState.Unchanged;

    /// <summary>Why nothing was done, for Unchanged (for example "already on hold").</summary>
    public string? Note { get; set; }

    /// <summary>The message as it is after the action, so a result can be piped on (Suspend -PassThru | Resume).</summary>
    public QueueMessage? Message { get; set; }

    /// <summary>The result of a message that -WhatIf would act on.</summary>
    public static QueueActionResult WhatIf(QueueMessage m, QueueAction action) => new()
    {
        Source = m.Source, ComputerName = m.ComputerName, Id = m.Id, Queue = m.Queue, Action = action, State = QueueActionState.WhatIf, Message = m,
    };
}

/// <summary>
/// Suspend/Resume/Remove-MailQueueMessage. Only the named messages are touched: Postfix gets one
/// <c>-h/-H/-d ID</c> per message restricted to the message's queue (postsuper(1)); Exim gets -Mf/-Mt/-Mrm with
/// the ids (exim(8)); spool files are deleted by path (hold/release do not apply). Messages are grouped per
/// instance so a batch is one tool run. A message the tool did not confirm is looked up again: already in the
/// wanted state is Unchanged (a result with a note), moved to another queue is acted on there, gone is an
/// ObjectNotFound error (QueueMessageNotFound).
/// </summary>
public static class QueueActions
{
    public static IEnumerable<Outcome<QueueActionResult>> Apply(IReadOnlyList<QueueMessage> messages, QueueAction action, CancellationToken cancellationToken = default)
    {
        if (messages is null)
        {
            throw new ArgumentNullException(nameof(messages));
        }

        foreach (var group in messages.GroupBy(m => (m.Source, m.InstanceConfig, m.InstanceTool, m.Queue)))
        {
            var list = group.ToList();
            Dictionary<string, QueueMessage>? now = null;
            HashSet<string>? done = null;
            HashSet<string>? unchanged = null;
            ItemError? unsupported = null;
            switch (group.Key.Source)
            {
                case QueueSourceKind.Postfix:
                    var flag = action switch { QueueAction.Hold => "-h", QueueAction.Release => "-H", _ => "-d" };
                    done = PostfixQueue.Super(group.Key.InstanceConfig, flag, group.Key.Queue, list.Select(m => m.Id).ToList(), cancellationToken);
                    if (list.Any(m => !done.Contains(m.Id)))
                    {
                        // Not confirmed: where is each one now? Already held (or already released) is nothing to do;
                        // moved on (deferred -> active) is acted on in its queue now; gone is gone.
                        now = Relist(new QueueSourceOptions { Kind = QueueSourceKind.Postfix, ConfigDirectory = group.Key.InstanceConfig }, cancellationToken);
                        unchanged = new HashSet<string>(StringComparer.Ordinal);
                        foreach (var moved in list.Where(m => !done.Contains(m.Id) && now.ContainsKey(m.Id)).GroupBy(m => now[m.Id].Queue))
                        {
                            if (InWantedState(action, moved.Key))
                            {
                                unchanged.UnionWith(moved.Select(m => m.Id));
                                continue;
                            }

                            done.UnionWith(PostfixQueue.Super(group.Key.InstanceConfig, flag, moved.Key, moved.Select(m => m.Id).ToList(), cancellationToken));
                        }
                    }

                    break;
                case QueueSourceKind.Exim:
                    var eflag = action switch { QueueAction.Hold => "-Mf", QueueAction.Release => "-Mt", _ => "-Mrm" };
                    var replies = EximQueue.Act(group.Key.InstanceTool, group.Key.InstanceConfig, eflag, list.Select(m => m.Id).ToList(), cancellationToken);
                    done = new HashSet<string>(replies.Where(r => !r.Value.StartsWith("is already", StringComparison.Ordinal) && !r.Value.StartsWith("is not", StringComparison.Ordinal)).Select(r => r.Key), StringComparer.Ordinal);
                    unchanged = new HashSet<string>(replies.Keys.Where(k => !done.Contains(k)), StringComparer.Ordinal);
                    break;
                case QueueSourceKind.Spool when action == QueueAction.Delete:
                    done = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var m in list)
                    {
                        if (m.Path is not null && File.Exists(m.Path))
                        {
                            File.Delete(m.Path);
                            done.Add(m.Id);
                        }
                    }

                    break;
                default:
                    unsupported = new ItemError(ErrorIds.InvalidArgument, OutageErrorCategory.InvalidOperation,
                        $"{action} is not possible for messages from a {QueueText.SourceName(group.Key.Source)} source.", group.Key.Source,
                        group.Key.Source == QueueSourceKind.Exchange ? "Use Exchange's Suspend-Message / Resume-Message / Remove-Message." : "Act on the live queue (--postfix / --exim).");
                    break;
            }

            foreach (var m in list)
            {
                if (unsupported is not null)
                {
                    yield return Outcome<QueueActionResult>.Failure(new ItemError(unsupported.ErrorId, unsupported.Category,
                        $"{unsupported.Message} ({m.ContentName})", m, unsupported.RecommendedAction));
                    continue;
                }

                if (done!.Contains(m.Id))
                {
                    var after = After(m, action);
                    yield return Outcome<QueueActionResult>.Success(new QueueActionResult
                    {
                        Source = m.Source, ComputerName = m.ComputerName, Id = m.Id, Queue = after.Queue, Action = action, State = QueueActionState.Succeeded, Message = after,
                    });
                }
                else if (unchanged is not null && unchanged.Contains(m.Id))
                {
                    var current = now is not null && now.TryGetValue(m.Id, out var listed) ? m.InQueue(listed.Queue, listed.State) : After(m, action);
                    var note = action == QueueAction.Hold ? "already on hold" : "not on hold";
                    yield return Outcome<QueueActionResult>.Note($"{m.ContentName} was {note}: nothing to do.");
                    yield return Outcome<QueueActionResult>.Success(new QueueActionResult
                    {
                        Source = m.Source, ComputerName = m.ComputerName, Id = m.Id, Queue = current.Queue, Action = action, State = QueueActionState.Unchanged, Note = note, Message = current,
                    });
                }
                else
                {
                    // postsuper/exim said nothing for it and it is in no queue now: it left the queue since it was listed.
                    yield return Outcome<QueueActionResult>.Failure(new ItemError(ErrorIds.QueueMessageNotFound, OutageErrorCategory.ObjectNotFound,
                        $"{m.ContentName} was not {Verb(action)}: it is no longer in the queue (delivered, expired or removed since it was listed).", m,
                        "List the queue again (Get-MailQueueMessage / outage queue list) and act on what is there now."));
                }
            }
        }
    }

    /// <summary>True when a message in this Postfix queue already is as the action wants it.</summary>
    private static bool InWantedState(QueueAction action, string queue) => action switch
    {
        QueueAction.Hold => queue == "hold",
        QueueAction.Release => queue != "hold",
        _ => false,
    };

    /// <summary>Where a message is after a confirmed action: postsuper -h moves it to hold, -H to deferred (postsuper(1)); exim -Mf freezes it.</summary>
    private static QueueMessage After(QueueMessage m, QueueAction action) => (m.Source, action) switch
    {
        (QueueSourceKind.Postfix, QueueAction.Hold) => m.InQueue("hold", "Hold"),
        (QueueSourceKind.Postfix, QueueAction.Release) => m.InQueue("deferred", "Deferred"),
        (QueueSourceKind.Exim, QueueAction.Hold) => m.InQueue(m.Queue, "Frozen"),
        (QueueSourceKind.Exim, QueueAction.Release) => m.InQueue(m.Queue, "Deferred"),
        (_, QueueAction.Delete) => m.InQueue(m.Queue, "Removed"),
        _ => m,
    };

    private static Dictionary<string, QueueMessage> Relist(QueueSourceOptions options, CancellationToken cancellationToken)
    {
        var byId = new Dictionary<string, QueueMessage>(StringComparer.Ordinal);
        foreach (var o in QueueSource.ReadMessages(options, cancellationToken))
        {
            if (o.Kind == OutcomeKind.Result)
            {
                byId[o.Value!.Id] = o.Value;
            }
        }

        return byId;
    }

    /// <summary>The first value of a header field in a message's header section (RFC 5322 section 2.2).</summary>
    internal static string? HeaderValue(MemoryStream message, string name)
    {
        var text = System.Text.Encoding.GetEncoding(28591).GetString(message.GetBuffer(), 0, (int)Math.Min(message.Length, 256 * 1024));
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var lines = (end < 0 ? text : text.Substring(0, end)).Split(new[] { "\r\n" }, StringSplitOptions.None);
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            {
                var value = lines[i].Substring(name.Length + 1).Trim();
                while (i + 1 < lines.Length && lines[i + 1].Length > 0 && (lines[i + 1][0] == ' ' || lines[i + 1][0] == '\t'))
                {
                    value += " " + lines[++i].Trim();
                }

                return value;
            }
        }

        return null;
    }

    private static string Verb(QueueAction a) => a switch { QueueAction.Hold => "held", QueueAction.Release => "released", _ => "deleted" };

    /// <summary>
    /// Export-MailQueueMessage: writes each message's RFC 5322 bytes to DIR/NAME.eml, or returns them. A message
    /// that vanished since it was listed is a warning, not a failure.
    /// </summary>
    public static IEnumerable<Outcome<QueueExportResult>> Export(IEnumerable<QueueMessage> messages, string? directory, QueueExportName naming, bool overwrite,
        CancellationToken cancellationToken = default)
    {
        if (directory is not null)
        {
            try
            {
                Directory.CreateDirectory(directory);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new OutageException(ErrorIds.QueueExportWriteFailed, OutageErrorCategory.WriteError,
                    $"The destination folder '{directory}' cannot be created: {ex.Message}", directory, "Give a folder that exists or can be created.", ex);
            }
        }

        // Names given in this run: a second message with the same Message-ID gets "-2", never the first one's file.
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var m in messages)
        {
            cancellationToken.ThrowIfCancellationRequested();
            MemoryStream? bytes = null;
            ItemError? error = null;
            try
            {
                using var s = m.OpenContent(cancellationToken);
                bytes = new MemoryStream();
                s.CopyTo(bytes);
            }
            catch (OutageException ex) when (ex.Error.ErrorId == ErrorIds.QueueMessageNotFound && ex.Error.Category == OutageErrorCategory.ObjectNotFound)
            {
                bytes = null;
                error = ex.Error;
            }
            catch (OutageException ex)
            {
                error = new ItemError(ex.Error.ErrorId, ex.Error.Category, ex.Error.Message, m, ex.Error.RecommendedAction, ex);
            }

            if (bytes is null)
            {
                yield return error!.Category == OutageErrorCategory.ObjectNotFound
                    ? Outcome<QueueExportResult>.Warn(error.Message)
                    : Outcome<QueueExportResult>.Failure(error);
                continue;
            }

            var result = new QueueExportResult { Source = m.Source, ComputerName = m.ComputerName, Id = m.Id, Length = bytes.Length };
            if (directory is null)
            {
                result.Content = bytes.ToArray();
            }
            else
            {
                var messageId = naming == QueueExportName.MessageId ? m.InternetMessageId ?? HeaderValue(bytes, "Message-ID") : null;
                var name = FileName(!string.IsNullOrEmpty(messageId) ? messageId!.Trim().Trim('<', '>') : m.Id);
                var unique = name;
                for (var n = 2; !used.Add(unique); n++)
                {
                    unique = name + "-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                var path = Path.Combine(directory, unique + ".eml");
                if (File.Exists(path) && !overwrite)
                {
                    yield return Outcome<QueueExportResult>.Failure(new ItemError(ErrorIds.InvalidArgument, OutageErrorCategory.ResourceExists,
                        $"The file '{path}' exists; {m.ContentName} was not exported.", path, "Use -Force / --force to overwrite."));
                    continue;
                }

                string? failed = null;
                try
                {
                    File.WriteAllBytes(path, bytes.ToArray());
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    failed = ex.Message;
                }

                if (failed is not null)
                {
                    yield return Outcome<QueueExportResult>.Failure(new ItemError(ErrorIds.QueueExportWriteFailed, OutageErrorCategory.WriteError,
                        $"{m.ContentName} cannot be written to '{path}': {failed}", path, "Check the folder is writable; the other messages were exported."));
                    continue;
                }

                result.Path = path;
            }

            yield return Outcome<QueueExportResult>.Success(result);
        }
    }

    /// <summary>
    /// A file name from a Message-ID or queue id: characters no file system takes (and control characters)
    /// become '_', a name of only dots is prefixed, and a name over 120 characters (file names are at most 255
    /// bytes; a Message-ID may be 300 characters) keeps its start plus a hash of the whole, so it stays unique.
    /// </summary>
    internal static string FileName(string id)
    {
        var sb = new System.Text.StringBuilder(id.Length);
        var invalid = Path.GetInvalidFileNameChars();
        foreach (var c in id)
        {
            sb.Append(c < 0x20 || c == 0x7F || c is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' || Array.IndexOf(invalid, c) >= 0 ? '_' : c);
        }

        var name = sb.ToString();
        if (name.Length == 0 || name.Trim('.').Length == 0)
        {
            name = "_" + name;
        }

        if (name.Length > 120 || System.Text.Encoding.UTF8.GetByteCount(name) > 200)
        {
            using var sha = System.Security.Cryptography.SHA256.Create();
            var hash = sha.ComputeHash(System.Text.Encoding.UTF8.GetBytes(id));
            var keep = Math.Min(100, name.Length);
            while (keep > 0 && (System.Text.Encoding.UTF8.GetByteCount(name.Substring(0, keep)) > 180 || char.IsHighSurrogate(name[keep - 1])))
            {
                keep--;
            }

            name = name.Substring(0, keep) + "-" + BitConverter.ToString(hash, 0, 8).Replace("-", string.Empty).ToLowerInvariant();
        }

        return name;
    }
}

/// <summary>How an exported message is named.</summary>
public enum QueueExportName
{
    QueueId,
    MessageId,
}

/// <summary>One exported message.</summary>
public sealed class QueueExportResult
{
    public QueueSourceKind Source { get; set; }

    public string ComputerName { get; set; } = string.Empty;

    public string Id { get; set; } = string.Empty;

    public string? Path { get; set; }

    public long Length { get; set; }

    /// <summary>The bytes, when not written to a file.</summary>
    public byte[]? Content { get; set; }
}
