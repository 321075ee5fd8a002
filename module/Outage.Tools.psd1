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
        # Logs
        'Get-MailLogEvent'
        'Measure-MailLog'
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
            ReleaseNotes = 'Initial release: module skeleton and the MIME rule catalogue (Get-MimeRule).'
        }
    }
}
