using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Outage.Tools.Core;
using Outage.Tools.Core.Checks;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Commands;

/// <summary>Invoke-OutageCheck: runs the queue, MIME, DNS and endpoint checks and emits uniform results.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "OutageCheck", HelpUri = OutageCmdlet.HelpBase + "Invoke-OutageCheck.md", DefaultParameterSetName = ParametersSet, SupportsShouldProcess = true)]
[OutputType(typeof(OutageCheckResult), typeof(ProbableCause))]
public sealed class InvokeOutageCheckCommand : OutageCmdlet
{
    private const string ConfigurationSet = "Configuration";
    private const string ParametersSet = "Parameters";

    /// <summary>A .psd1 or .json configuration file.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ConfigurationSet, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "PSPath", "Path")]
    [ValidateNotNullOrEmpty]
    public string ConfigurationPath { get; set; } = string.Empty;

    /// <summary>Mail domains for the DNS checks.</summary>
    [Parameter(ParameterSetName = ParametersSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    public string[]? Domain { get; set; }

    /// <summary>OWA URLs.</summary>
    [Parameter(ParameterSetName = ParametersSet)]
    public string[]? OwaUri { get; set; }

    /// <summary>SMTP hosts, host[:port].</summary>
    [Parameter(ParameterSetName = ParametersSet)]
    public string[]? SmtpHost { get; set; }

    /// <summary>Queue sources, KIND:PATH (postqueue-json:FILE, exim-bp:FILE, spool:DIR, postfix:CONFIG_DIR, exim, exchange-csv:FILE).</summary>
    [Parameter(ParameterSetName = ParametersSet)]
    public string[]? Queue { get; set; }

    /// <summary>Folders or files of messages to lint.</summary>
    [Parameter(ParameterSetName = ParametersSet)]
    public string[]? MessagePath { get; set; }

    /// <summary>DNS servers (host[:port]) to ask instead of the system's.</summary>
    [Parameter(ParameterSetName = ParametersSet)]
    public string[]? DnsServer { get; set; }

    /// <summary>Threshold overrides, e.g. @{ QueueWarn = 500 }.</summary>
    [Parameter]
    public Hashtable? Threshold { get; set; }

    /// <summary>JSON Lines file that every run appends to.</summary>
    [Parameter]
    public string? HistoryPath { get; set; }

    /// <summary>Checks run at once.</summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = 8;

    /// <summary>End with a terminating error when any check fails.</summary>
    [Parameter]
    public SwitchParameter FailOnError { get; set; }

    private readonly OutageCheckConfiguration _fromParameters = new();
    private readonly List<OutageCheckResult> _notPassing = new();
    private OutageCheckConfiguration? _configuration;

    protected override void ProcessRecord()
    {
        if (ParameterSetName == ConfigurationSet)
        {
            var path = GetUnresolvedProviderPathFromPSPath(ConfigurationPath);
            try
            {
                _configuration = OutageCheckConfiguration.Load(path);
            }
            catch (OutageException ex)
            {
                ThrowTerminatingError(ToErrorRecord(ex.Error));
            }

            Run(_configuration!);
            return;
        }

        // Parameters (and domains from the pipeline) are collected and run once in EndProcessing.
        _fromParameters.Domains.AddRange(Domain ?? Array.Empty<string>());
    }

    protected override void EndProcessing()
    {
        if (ParameterSetName == ParametersSet)
        {
            var c = _fromParameters;
            c.OwaUris.AddRange(OwaUri ?? Array.Empty<string>());
            c.SmtpHosts.AddRange(SmtpHost ?? Array.Empty<string>());
            c.MessagePaths.AddRange((MessagePath ?? Array.Empty<string>()).Select(GetUnresolvedProviderPathFromPSPath));
            c.DnsServers.AddRange(DnsServer ?? Array.Empty<string>());
            foreach (var q in Queue ?? Array.Empty<string>())
            {
                try
                {
                    c.Queues.Add(QueueSpec.Parse(q, GetUnresolvedProviderPathFromPSPath));
                }
                catch (FormatException ex)
                {
                    ThrowArgumentError(ErrorIds.InvalidArgument, ex.Message, q);
                }
            }

            Run(c);
        }

        if (FailOnError && _notPassing.Any(r => r.Status is CheckStatus.Fail or CheckStatus.Error))
        {
            var failed = _notPassing.Where(r => r.Status is CheckStatus.Fail or CheckStatus.Error).ToList();
            var message = $"{failed.Count} check(s) failed: " + string.Join("; ", failed.Take(10).Select(r => $"{r.Area} {r.Target} {r.Check}: {r.Summary}"));
            ThrowTerminatingError(ToErrorRecord(new ItemError(ErrorIds.CheckFailed, OutageErrorCategory.InvalidResult, message, failed)));
        }
    }

    private void Run(OutageCheckConfiguration configuration)
    {
        try
        {
            if (Threshold is not null)
            {
                configuration.Thresholds.Apply(Threshold.Cast<DictionaryEntry>().ToDictionary(e => e.Key.ToString()!, e => (object?)(e.Value is PSObject wrapped ? wrapped.BaseObject : e.Value), StringComparer.OrdinalIgnoreCase));
            }
        }
        catch (FormatException ex)
        {
            ThrowArgumentError(ErrorIds.CheckThresholdInvalid, ex.Message, Threshold,
                "Name thresholds as Get-Help Invoke-OutageCheck -Parameter Threshold lists them (QueueWarn, QueueFail, CheckTimeoutSeconds...), each with a number.");
        }

        if (HistoryPath is not null)
        {
            configuration.HistoryPath = GetUnresolvedProviderPathFromPSPath(HistoryPath);
        }

        var progress = NewProgress();
        var request = new OutageCheckRequest(configuration, OutageCheckProviders.Default())
        {
            ThrottleLimit = ThrottleLimit,
            // -WhatIf: the checks run (they only read), the history file and its folders are not created or appended.
            WriteHistory = configuration.HistoryPath is null || ShouldProcess(configuration.HistoryPath, "Append the check results to the history file"),
        };
        _all.Clear();
        Emit(() => Track(OutageCheckRunner.Run(request, progress, Cancellation)), progress);
        // After the results: the probable causes this run's results support, each naming the results it rests on.
        foreach (var cause in ProbableCauseRules.Derive(_all))
        {
            WriteVerbose($"Probable cause ({cause.Rule}) rests on: {string.Join("; ", cause.RestsOn)}");
            WriteObject(cause);
        }
    }

    private readonly List<OutageCheckResult> _all = new();

    private IEnumerable<Outcome<OutageCheckResult>> Track(IEnumerable<Outcome<OutageCheckResult>> outcomes)
    {
        foreach (var o in outcomes)
        {
            if (o.Kind == OutcomeKind.Result)
            {
                _all.Add(o.Value!);
            }

            if (o.Kind == OutcomeKind.Result && o.Value!.Status != CheckStatus.Pass)
            {
                _notPassing.Add(o.Value);
            }

            yield return o;
        }
    }
}
