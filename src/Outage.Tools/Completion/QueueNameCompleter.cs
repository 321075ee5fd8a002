using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using Outage.Tools.Core.Operations;

namespace Outage.Tools;

/// <summary>
/// Tab completion of -Queue: the Postfix queues (postqueue(1): maildrop, incoming, active, deferred, hold,
/// corrupt), Exim's input queue and the states the filter also matches (Frozen, Retry, Ready, Suspended...).
/// What is typed may hold wildcards; a trailing * is implied.
/// </summary>
public sealed class QueueNameCompleter : IArgumentCompleter
{
    private static readonly (string Name, string Description)[] Names =
    {
        ("active", "Postfix: messages the queue manager has opened for delivery"),
        ("deferred", "Postfix: messages that could not be delivered yet and wait for a retry"),
        ("hold", "Postfix: messages put on hold (Suspend-MailQueueMessage); not delivered until released"),
        ("incoming", "Postfix: new messages not yet seen by the queue manager"),
        ("maildrop", "Postfix: locally submitted messages not yet picked up"),
        ("corrupt", "Postfix: damaged queue files"),
        ("input", "Exim: the spool input queue"),
        ("Frozen", "Exim state: frozen messages (exim -Mf)"),
        ("Ready", "Exchange state: ready for delivery"),
        ("Retry", "Exchange state: waiting for a retry"),
        ("Suspended", "Exchange state: suspended"),
        ("Poison", "Exchange: the poison message queue"),
    };

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = CompletionPattern.For(wordToComplete);
        foreach (var (name, description) in Names)
        {
            if (pattern.IsMatch(name))
            {
                yield return new CompletionResult(name, name, CompletionResultType.ParameterValue, description);
            }
        }
    }
}

/// <summary>What a completer matches: the typed text with its own wildcards, and always a trailing * (so *bound finds boundary-*).</summary>
internal static class CompletionPattern
{
    public static Wildcard For(string? wordToComplete)
    {
        var typed = (wordToComplete ?? string.Empty).Trim('\'', '"');
        return new Wildcard(typed.EndsWith("*", System.StringComparison.Ordinal) ? typed : typed + "*");
    }
}
