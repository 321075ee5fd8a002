using System.IO;
using System.Threading;

namespace Outage.Tools.Core.Operations;

/// <summary>
/// A mail message whose raw bytes can be read on demand: a queued message (Postfix, Exim, Exchange export,
/// spool file) or anything else that is not a plain file. It is how the poison-message triage pipeline works:
/// <c>Get-MailQueueMessage | Test-MimeMessage | Where-Object Poison | Suspend-MailQueueMessage</c>:
/// Test-MimeMessage reads the content through this interface and puts the object itself in its report's
/// <c>Message</c> property, so the next cmdlet binds the queued message again by property name.
/// </summary>
public interface IMessageContent
{
    /// <summary>A name for reports and errors, e.g. <c>postfix:deferred/4BFC3B2029F</c> or a file path.</summary>
    string ContentName { get; }

    /// <summary>Opens the exact RFC 5322 bytes of the message. The caller disposes the stream.</summary>
    /// <exception cref="OutageException">The content cannot be read (the message left the queue, no permission, tool missing).</exception>
    Stream OpenContent(CancellationToken cancellationToken);
}
