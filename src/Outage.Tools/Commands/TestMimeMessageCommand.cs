using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Outage.Tools.Core.Mime;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Commands;

/// <summary>
/// Test-MimeMessage: checks messages (files, folders, mbox files, raw content or queued messages from the
/// pipeline) for MIME and RFC 5322 malformations, one report per message. Piped inputs flow into one check that
/// runs for the whole pipeline, so folders and piped file lists are checked in parallel (-ThrottleLimit) under one
/// progress activity while reports keep the input order.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "MimeMessage", HelpUri = OutageCmdlet.HelpBase + "Test-MimeMessage.md", DefaultParameterSetName = "Path")]
[OutputType(typeof(MimeMessageReport))]
[OutputType(typeof(bool))]
public sealed class TestMimeMessageCommand : MimeInputCmdlet
{
    private readonly PipelineStream<MimeInput, object> _stream = new();
    private ProgressSink? _progress;

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
    [SupportsWildcards]
    public string[]? Rule { get; set; }

    /// <summary>Never these rule ids (wildcards allowed).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(MimeRuleIdCompleter))]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
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
        _progress = NewProgress();
        Announce();
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
        FeedStream(_stream, Inputs(), Run, _progress);
    }

    protected override void EndProcessing() => EndStream(_stream, _progress);

    /// <summary>The one check of the whole pipeline, over every input still to come.</summary>
    private IEnumerable<Outcome<object>> Run(IEnumerable<MimeInput> inputs)
    {
        var request = new MimeLintRequest
        {
            InputSource = inputs,
            Recurse = Recurse,
            Mbox = Mbox,
            MinimumSeverity = MinimumSeverity,
            ThrottleLimit = ThrottleLimit,
        };
        request.Options.Profile = _profile;
        foreach (var r in Rule ?? System.Array.Empty<string>())
        {
            request.Rules.Add(r);
        }

        foreach (var r in ExcludeRule ?? System.Array.Empty<string>())
        {
            request.ExcludeRules.Add(r);
        }

        var quiet = Quiet.IsPresent;
        return MimeLint.Run(request, _progress, Cancellation).Select(o => o.Kind switch
        {
            OutcomeKind.Result => Outcome<object>.Success(quiet ? o.Value!.WellFormed : o.Value!),
            OutcomeKind.Error => Outcome<object>.Failure(o.Error!),
            OutcomeKind.Warning => Outcome<object>.Warn(o.Text ?? string.Empty),
            _ => Outcome<object>.Note(o.Text ?? string.Empty),
        });
    }
}
