@{
    # The one version source: Directory.Build.props reads ModuleVersion and stamps it on every assembly.
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0f3c8e-8d7e-4f63-9a53-6f1f7d3f2a41'
    RootModule           = 'Outage.Tools.dll'
    Author               = 'Outage.Tools contributors'
    CompanyName          = 'Outage.Tools'
    Copyright            = '(c) Outage.Tools contributors. MIT License.'
    Description          = 'Mail outage diagnostics for Exchange, Postfix and Exim administrators: mail queue inspection, MIME malformation (poison message) checks, DNS diagnostics, OWA/ActiveSync/Autodiscover/EWS/SMTP endpoint probes, and an outage check and report. One binary module for Windows PowerShell 5.1 and PowerShell 7, with no third-party dependencies.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    DotNetFrameworkVersion = '4.7.2'
    RequiredAssemblies   = @('Outage.Tools.Core.dll')
    FormatsToProcess     = @('Outage.Tools.format.ps1xml')
    TypesToProcess       = @('Outage.Tools.types.ps1xml')
    # Updatable help: Update-Help / Save-Help look for Outage.Tools_<GUID>_HelpInfo.xml under this folder URI, the
    # updatable-help branch served raw (no redirect: Update-Help downloads the content with redirects turned off).
    # tools/New-UpdatableHelp.ps1 (build.ps1 -Task Package) writes the files; docs/releasing.md says how to publish.
    # Each cmdlet's HelpUri (Get-Help -Online) is its page docs/cmdlets/<Verb-Noun>.md in the same repository.
    HelpInfoURI          = 'https://raw.githubusercontent.com/outage-tools/Outage.Tools/updatable-help/'

    # Explicit lists: no wildcards, so command discovery is fast and nothing leaks out by accident.
    CmdletsToExport      = @(
        # Mime
        'Get-MimeRule'
        'Test-MimeMessage'
        'Get-MimeStructure'
        # Queue
        'Get-MailQueue'
        'Get-MailQueueMessage'
        'Measure-MailQueue'
        'Watch-MailQueue'
        'Export-MailQueueMessage'
        'Suspend-MailQueueMessage'
        'Resume-MailQueueMessage'
        'Remove-MailQueueMessage'
        # Dns
        'Resolve-DnsRecord'
        'Test-MailDomain'
        'Test-DnsZoneConsistency'
        'Compare-DnsResolver'
        # Endpoints
        'Test-OwaEndpoint'
        'Test-ActiveSyncEndpoint'
        'Test-AutodiscoverEndpoint'
        'Test-EwsEndpoint'
        'Test-SmtpEndpoint'
        # Checks
        'Invoke-OutageCheck'
        'Export-OutageReport'
        # ServiceHealth
        'Get-ServiceHealth'
        'Get-ServiceHealthIssue'
        # Logs
        'Get-MailLogEvent'
        'Measure-MailLog'
        'Get-MessageHeaderReport'
        'Measure-MessageDelay'
        'Get-MessageHop'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()

    PrivateData          = @{
        PSData = @{
            Tags         = @('Exchange', 'Postfix', 'Exim', 'Mail', 'SMTP', 'MIME', 'DNS', 'Outage', 'Diagnostics', 'Queue', 'OWA', 'ActiveSync', 'Autodiscover', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://github.com/outage-tools/Outage.Tools'
            LicenseUri   = 'https://github.com/outage-tools/Outage.Tools/blob/main/LICENSE'
            ReleaseNotes = '0.1.0: first release of the mail outage toolkit, 22 cmdlets and the `outage` CLI over one Core.
- MIME: Get-MimeRule, Test-MimeMessage (poison message linter), Get-MimeStructure.
- Queues (Postfix, Exim, saved files, Exchange Get-Queue/Get-Message objects): Get-MailQueue,
  Get-MailQueueMessage (-Id, -OlderThan), Measure-MailQueue (qshape), Watch-MailQueue (trend),
  Export-, Suspend-, Resume-, Remove-MailQueueMessage (by object or by -Id, -PassThru chains).
- DNS: Resolve-DnsRecord, Test-MailDomain, Test-DnsZoneConsistency, Compare-DnsResolver.
- Endpoints: Test-OwaEndpoint, Test-ActiveSyncEndpoint, Test-AutodiscoverEndpoint, Test-EwsEndpoint, Test-SmtpEndpoint.
- Checks: Invoke-OutageCheck, Export-OutageReport.
- Every time parameter is a TimeSpan that also takes 30s, 5m, 1h, 2d, 00:05:00 or plain seconds.
- Get-Help -Online opens the page of each cmdlet; -Verbose says which command, server and file were used.'
        }
    }
}
