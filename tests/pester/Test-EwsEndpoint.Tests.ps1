#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Runs where pwsh and Pester 5 exist (build.ps1 -Test, tests/run.sh). Imports the staged module.
# Only 127.0.0.1 is contacted: a port that was just closed, so every probe fails fast and deterministically.

BeforeAll {
    $modulePath = if ($env:OUTAGE_TOOLS_MODULE) { $env:OUTAGE_TOOLS_MODULE } else { Join-Path $PSScriptRoot '../../out/Outage.Tools/Outage.Tools.psd1' }
    Import-Module $modulePath -Force -ErrorAction Stop
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    $script:closedPort = $listener.LocalEndpoint.Port
    $listener.Stop()
}

Describe 'Test-EwsEndpoint' {
    It 'returns a typed Fail result, not an error, when the port is closed' {
        $r = Test-EwsEndpoint "127.0.0.1:$closedPort" -Timeout 5
        $r.GetType().FullName | Should -Be 'Outage.Tools.Core.Endpoints.HttpEndpointResult'
        $r.Status | Should -Be 'Fail'
        $r.Outcome | Should -Be 'ConnectFailed'
    }

    It 'reports an unusable target as a non-terminating error with a stable id' {
        $r = Test-EwsEndpoint 'not a host' -ErrorAction SilentlyContinue -ErrorVariable err
        $r | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'EndpointTargetInvalid,Outage.Tools.Commands.TestEwsEndpointCommand'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'binds targets from the pipeline by property name' {
        $r = [pscustomobject]@{ Server = "127.0.0.1:$closedPort" } | Test-EwsEndpoint -Timeout 5
        $r.Outcome | Should -Be 'ConnectFailed'
    }

    It 'never shows the password of -Credential' {
        $secret = 'Pester-Secret-' + [guid]::NewGuid()
        $cred = [pscredential]::new('probe@contoso.test', (ConvertTo-SecureString $secret -AsPlainText -Force))
        $all = Test-EwsEndpoint "127.0.0.1:$closedPort" -Timeout 5 -Credential $cred -Verbose 4>&1 2>&1 | Out-String
        $json = Test-EwsEndpoint "127.0.0.1:$closedPort" -Timeout 5 -Credential $cred | ConvertTo-Json -Depth 6
        $all | Should -Not -Match ([regex]::Escape($secret))
        $json | Should -Not -Match ([regex]::Escape($secret))
    }

    It 'formats as a table by default' {
        (Test-EwsEndpoint "127.0.0.1:$closedPort" -Timeout 5 | Out-String) | Should -Match 'Status'
    }

    It 'has help with examples' {
        $help = Get-Help Test-EwsEndpoint -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
    }

    It 'rejects an unusable -DnsServer address as a terminating error' {
        { Test-EwsEndpoint "127.0.0.1:$closedPort" -DnsServer 'not a server:xx' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidArgument,Outage.Tools.Commands.TestEwsEndpointCommand'
    }
}
