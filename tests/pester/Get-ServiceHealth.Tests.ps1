#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Runs where pwsh and Pester 5 exist (build.ps1 -Test, tests/run.sh). Talks only to the local identity platform /
# Graph stand-in of tests/Outage.Tools.TestServer (graph mode) on 127.0.0.1, trusted with -TrustedRootCertificate.

BeforeAll {
    $modulePath = if ($env:OUTAGE_TOOLS_MODULE) { $env:OUTAGE_TOOLS_MODULE } else { Join-Path $PSScriptRoot '../../out/Outage.Tools/Outage.Tools.psd1' }
    Import-Module $modulePath -Force -ErrorAction Stop
    . (Join-Path $PSScriptRoot 'GraphTestServer.ps1')
    $peer = Start-GraphTestPeer -WorkFolder $TestDrive
    $script:server = $peer.Server
    $script:secret = $peer.Secret
    $script:common = $peer.Common
}

AfterAll {
    Stop-GraphTestServer $server
}

Describe 'Get-ServiceHealth' {
    It 'returns one typed object per service over two pages, status parsed without case' {
        $r = Get-ServiceHealth @common
        $r | Should -HaveCount 4
        $r[0].GetType().FullName | Should -Be 'Outage.Tools.Core.ServiceHealth.ServiceHealthOverview'
        ($r | ForEach-Object Status) -join ',' | Should -Be 'serviceInterruption,serviceOperational,serviceDegradation,brandNewStatus'
        $exo = $r | Where-Object Id -eq 'Exchange'
        $exo.Severity | Should -Be 'Fail'
        $exo.OpenIssueCount | Should -Be 1
        $exo.OpenIssues | Should -Be "EX123456 Users can't send or receive email"
    }

    It 'filters by service id or name and by status' {
        (Get-ServiceHealth @common -Service 'exch*', 'Microsoft Teams').Id -join ',' | Should -Be 'Exchange,microsoftteams'
        (Get-ServiceHealth @common -Status SERVICEOPERATIONAL).Id | Should -Be 'OSDPPlatform'
    }

    It 'authenticates with a PSCredential (client id and secret) and with a PFX certificate' {
        $cred = [pscredential]::new($server.ClientId, (ConvertTo-SecureString $secret -AsPlainText -Force))
        $p = @{ TenantId = $server.TenantId; Authority = $server.Authority; GraphEndpoint = $server.Https + '/ok/'; TrustedRootCertificate = $server.CaPem }
        (Get-ServiceHealth @p -Credential $cred) | Should -HaveCount 4
        (Get-ServiceHealth @p -ClientId $server.ClientId -CertificatePath $server.Pfx -CertificatePassword (ConvertTo-SecureString 'pfx-pass' -AsPlainText -Force)) | Should -HaveCount 4
        (Get-ServiceHealth @p -ClientId $server.ClientId -CertificatePath $server.Pfx -CertificatePassword (ConvertTo-SecureString 'pfx-pass' -AsPlainText -Force) -AssertionAlgorithm PS256) | Should -HaveCount 4
    }

    It 'authenticates with the Azure Automation managed identity' {
        $env:IDENTITY_ENDPOINT = $server.Http + '/msi/token'
        $env:IDENTITY_HEADER = $server.MiHeader
        try {
            (Get-ServiceHealth -ManagedIdentity -GraphEndpoint ($server.Https + '/ok/') -TrustedRootCertificate $server.CaPem) | Should -HaveCount 4
        } finally {
            Remove-Item -Path 'Env:IDENTITY_ENDPOINT', 'Env:IDENTITY_HEADER'
        }
    }

    It 'names the permission on 403 with a stable error id' {
        $p = $common.Clone(); $p.GraphEndpoint = $server.Https + '/forbidden/'
        { Get-ServiceHealth @p -ErrorAction Stop } | Should -Throw -ErrorId 'ServiceHealthForbidden,Outage.Tools.Commands.GetServiceHealthCommand'
        try { Get-ServiceHealth @p -ErrorAction Stop } catch { $_.Exception.Message | Should -Match 'ServiceHealth\.Read\.All'; $_.CategoryInfo.Category | Should -Be 'PermissionDenied' }
    }

    It 'reports a wrong secret as an authentication error without showing it' {
        $wrong = 'Wrong-' + [guid]::NewGuid()
        $p = $common.Clone(); $p.ClientSecret = (ConvertTo-SecureString $wrong -AsPlainText -Force)
        $all = ''
        try { $all = Get-ServiceHealth @p -Verbose -ErrorAction Stop 4>&1 2>&1 | Out-String } catch { $all += ($_ | Out-String) + $_.Exception.ToString() + $_.ErrorDetails.RecommendedAction }
        $all | Should -Match 'AADSTS7000215'
        $all | Should -Not -Match ([regex]::Escape($wrong))
    }

    It 'never shows the secret or a token in output, verbose text or history' {
        $verbose = Get-ServiceHealth @common -Verbose 4>&1 | Out-String
        $json = Get-ServiceHealth @common | ConvertTo-Json -Depth 6
        $csv = Get-ServiceHealth @common | ConvertTo-Csv | Out-String
        $verbose | Should -Match 'Page 2: 2 item'
        foreach ($text in @($verbose, $json, $csv, ((Get-History) | Out-String))) {
            $text | Should -Not -Match ([regex]::Escape($secret))
            $text | Should -Not -Match 'fake-[0-9a-f]{32}'
        }
    }

    It 'rejects an unusable tenant as a terminating argument error' {
        $p = $common.Clone(); $p.TenantId = 'not a tenant/..'
        { Get-ServiceHealth @p -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidArgument,Outage.Tools.Commands.GetServiceHealthCommand'
    }

    It 'formats as a table by default' {
        (Get-ServiceHealth @common | Out-String -Width 120) | Should -Match 'Service\s+Status\s+Severity\s+Open\s+OpenIssues'
    }

    It 'feeds the outage check: a Microsoft365 entry adds service-health results (secret from the environment)' {
        $config = Join-Path $TestDrive 'm365.psd1'
        $lines = @(
            '@{'
            "    TrustedRootCertificate = '$($server.CaPem)'"
            '    Microsoft365 = @{'
            "        TenantId = '$($server.TenantId)'; ClientId = '$($server.ClientId)'; ClientSecretVariable = 'OUTAGE_PESTER_SECRET'"
            "        Authority = '$($server.Authority)'; GraphEndpoint = '$($server.Https)/ok/'"
            "        Services = 'Exchange Online', 'Microsoft 365 suite'"
            '    }'
            '}'
        )
        Set-Content -Path $config -Value $lines
        $env:OUTAGE_PESTER_SECRET = $secret
        try {
            $r = Invoke-OutageCheck -ConfigurationPath $config
        } finally {
            Remove-Item Env:OUTAGE_PESTER_SECRET
        }
        $results = @($r | Where-Object { $_ -is [Outage.Tools.Core.Checks.OutageCheckResult] })
        ($results | ForEach-Object { '{0}={1}' -f $_.Target, $_.Status }) -join ' ' | Should -Be 'Exchange Online=Fail Microsoft 365 suite=Pass'
        # The interruption is stated as the provider's outage (probable cause provider-reports-issue).
        $cause = @($r | Where-Object { $_ -is [Outage.Tools.Core.Checks.ProbableCause] })
        $cause | Should -HaveCount 1
        $cause[0].Rule | Should -Be 'provider-reports-issue'
        $cause[0].Statement | Should -Match "^Exchange Online reports incident \S+ since .*: this is the provider's outage"
        $cause[0].Statement | Should -Not -Match ([regex]::Escape($secret))
        $r[0].Area | Should -Be 'ServiceHealth'
        $r[0].Summary | Should -Match 'EX123456'
        $md = Join-Path $TestDrive 'report.md'
        $r | Export-OutageReport -Path $md -Format Markdown
        (Get-Content $md -Raw) | Should -Match '\| ServiceHealth \| Fail \|'
        (Get-Content $md -Raw) | Should -Not -Match ([regex]::Escape($secret))
    }

    It 'has help with examples' {
        $help = Get-Help Get-ServiceHealth -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
    }
}
