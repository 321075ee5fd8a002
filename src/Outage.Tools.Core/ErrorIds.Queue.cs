namespace Outage.Tools.Core;

public static partial class ErrorIds
{
    /// <summary>A line of a postqueue -j stream that is not a valid JSON object (RFC 8259).</summary>
    public const string QueueJsonInvalid = "QueueJsonInvalid";

    /// <summary>An entry of an exim -bp listing that cannot be read.</summary>
    public const string QueueListingInvalid = "QueueListingInvalid";

    /// <summary>A row or object of an Exchange Export-Csv / Export-Clixml file that cannot be read.</summary>
    public const string QueueExchangeInputInvalid = "QueueExchangeInputInvalid";

    /// <summary>A queue tool (postqueue, postcat, postsuper, exim) failed or timed out.</summary>
    public const string QueueToolFailed = "QueueToolFailed";

    /// <summary>A queue message named by an action is no longer in the queue.</summary>
    public const string QueueMessageNotFound = "QueueMessageNotFound";

    /// <summary>A spool-folder file that cannot be read.</summary>
    public const string QueueSpoolFileUnreadable = "QueueSpoolFileUnreadable";

    /// <summary>-OlderThan / --older-than that is not a duration or is negative.</summary>
    public const string QueueOlderThanInvalid = "QueueOlderThanInvalid";

    /// <summary>Watch-MailQueue -Interval / queue watch --interval outside its range (at least one second).</summary>
    public const string QueueWatchIntervalInvalid = "QueueWatchIntervalInvalid";

    /// <summary>Watch-MailQueue -Duration / queue watch --duration that is not positive.</summary>
    public const string QueueWatchDurationInvalid = "QueueWatchDurationInvalid";

    /// <summary>Measure-MailQueue -BucketWidth / queue shape --bucket-width outside its range.</summary>
    public const string QueueBucketWidthInvalid = "QueueBucketWidthInvalid";

    /// <summary>A queue message -Id that names no message of the source.</summary>
    public const string QueueMessageIdNotFound = "QueueMessageIdNotFound";

    /// <summary>An exported message cannot be written to its file (the other messages are exported).</summary>
    public const string QueueExportWriteFailed = "QueueExportWriteFailed";
}
