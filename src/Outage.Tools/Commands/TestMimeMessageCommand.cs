using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Outage.Tools.Core.Mime;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Commands;

/// <summary>
/// Test-MimeMessage: checks messages (files, folders, mbox files, raw content or queued messages from the
/// pipeline) for MIME and RFC 5322 malformations, one report per message. Inputs are batched so folders and
/// piped file lists are checked in parallel (-ThrottleLimit) while reports keep the input order.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "MimeMessage", DefaultParameterSetName = "Path")]
[OutputType(typeof(MimeMessageReport))]
[OutputType(typeof(bool))]
public sealed class TestMimeMessageCommand : OutageCmdlet
{
    private readonly PipelineBatch<MimeInput> _pending = new();

    /// <summary>Files or folders; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path", ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    /// <summary>Files or folders, taken literally (no wildcards).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "LiteralPath", ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[]? LiteralPath { get; set; }

    /// <summary>The raw message: a byte array or a string.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Content", ValueFromPipeline = true)]
    [MimeContentTransformation]
    [ValidateNotNull]
    public byte[]? Content { get; set; }

    /// <summary>A message that can be read on demand, such as a queued message from Get-MailQueueMessage.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "InputObject", ValueFromPipeline = true)]
    [ValidateNotNull]
    public IMessageContent? InputObject { get; set; }

    /// <summary>Check the files of sub-folders too.</summary>
    [Parameter(ParameterSetName = "Path")]
    [Parameter(ParameterSetName = "LiteralPath")]
    public SwitchParameter Recurse { get; set; }

    /// <summary>Each file is an mbox: one report per message.</summary>
    [Parameter]
    public SwitchParameter Mbox { get; set; }

    /// <summary>Only these rule ids (wildcards allowed).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(MimeRuleIdCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Rule { get; set; }

    /// <summary>Never these rule ids (wildcards allowed).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(MimeRuleIdCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? ExcludeRule { get; set; }

    /// <summary>Only findings of at least this severity.</summary>
    [Parameter]
    public MimeSeverity MinimumSeverity { get; set; } = MimeSeverity.Info;

    /// <summary>Files checked in parallel.</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int ThrottleLimit { get; set; } = System.Environment.ProcessorCount;

    /// <summary>
    /// Which rules make a message poison (its Verdict): Calibrated (default), Strict (every rule whose default
    /// severity is Error), or the path of a profile file of "rule = Poison|Conditional|Nonconforming" lines.
    /// </summary>
    [Parameter]
    [ArgumentCompleter(typeof(MimeProfileCompleter))]
    [ValidateNotNullOrEmpty]
    public string Profile { get; set; } = "Calibrated";

    private MimeProfile _profile = MimeProfile.Calibrated;

    /// <summary>Return one boolean per message (True when well-formed) instead of a report.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void BeginProcessing()
    {
        // Fail early on a rule id that does not exist (an unusable request).
        try
        {
            FindingFilter.Create(Rule ?? System.Array.Empty<string>(), ExcludeRule ?? System.Array.Empty<string>(), MinimumSeverity);
            var builtIn = System.Linq.Enumerable.Contains(MimeProfile.BuiltIn, Profile, System.StringComparer.OrdinalIgnoreCase);
            _profile = MimeProfile.Load(builtIn ? Profile : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Profile));
            WriteVerbose($"Verdict profile: {_profile.Name}.");
        }
        catch (OutageException ex)
        {
            ThrowTerminatingError(ToErrorRecord(ex.Error));
        }
    }

    protected override void ProcessRecord()
    {
        _pending.Add(MimeCmdletInputs.Resolve(this, ParameterSetName, Path, LiteralPath, Content, InputObject), ThrottleLimit * 4, Run);
    }

    protected override void EndProcessing() => _pending.Flush(Run);

    private void Run(MimeInput[] batch)
    {
        var request = new MimeLintRequest
        {
            Recurse = Recurse,
            Mbox = Mbox,
            MinimumSeverity = MinimumSeverity,
            ThrottleLimit = ThrottleLimit,
        };
        request.Options.Profile = _profile;
        foreach (var input in batch)
        {
            request.Inputs.Add(input);
        }

        foreach (var r in Rule ?? System.Array.Empty<string>())
        {
            request.Rules.Add(r);
        }

        foreach (var r in ExcludeRule ?? System.Array.Empty<string>())
        {
            request.ExcludeRules.Add(r);
        }

        var progress = NewProgress();
        IEnumerable<Outcome<MimeMessageReport>> Outcomes() => MimeLint.Run(request, progress, Cancellation);
        if (Quiet)
        {
            Emit(() => Outcomes().Select(o => o.Kind == OutcomeKind.Result ? Outcome<object>.Success(o.Value!.WellFormed)
                : o.Kind == OutcomeKind.Error ? Outcome<object>.Failure(o.Error!) : Outcome<object>.Note(o.Text ?? string.Empty)), progress);
        }
        else
        {
            Emit(Outcomes, progress);
        }
    }
}
