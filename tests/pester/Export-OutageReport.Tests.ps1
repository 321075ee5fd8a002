#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

BeforeAll {
    $modulePath = if ($env:OUTAGE_TOOLS_MODULE) { $env:OUTAGE_TOOLS_MODULE } else { Join-Path $PSScriptRoot '../../out/Outage.Tools/Outage.Tools.psd1' }
    Import-Module $modulePath -Force -ErrorAction Stop
    $samples = Join-Path $PSScriptRoot '../../samples'
    $results = Invoke-OutageCheck -ConfigurationPath (Join-Path $samples 'outage-check.psd1')
}

Describe 'Export-OutageReport' {
    It 'writes a self-contained HTML dashboard and returns the file' {
        $file = $results | Export-OutageReport -Path (Join-Path $TestDrive 'r.html')
        $file | Should -BeOfType System.IO.FileInfo
        $html = Get-Content $file.FullName -Raw
        $html | Should -Match '<title>Mail outage report</title>'
        $html | Should -Not -Match '<script'
    }

    It 'writes every format' -ForEach @('Markdown', 'Json', 'Prometheus') {
        $file = $results | Export-OutageReport -Path (Join-Path $TestDrive "r.$_") -Format $_
        (Get-Item $file.FullName).Length | Should -BeGreaterThan 0
    }

    It 'infers the format from the extension and refuses a contradiction' {
        $json = $results | Export-OutageReport -Path (Join-Path $TestDrive 'inferred.json')
        { Get-Content $json.FullName -Raw | ConvertFrom-Json } | Should -Not -Throw
        (Get-Content $json.FullName -Raw) | Should -Not -Match '<html'
        $md = $results | Export-OutageReport -Path (Join-Path $TestDrive 'inferred.md')
        (Get-Content $md.FullName -Raw) | Should -Match '^#'
        $prom = $results | Export-OutageReport -Path (Join-Path $TestDrive 'inferred.prom')
        (Get-Content $prom.FullName -Raw) | Should -Match '(?m)^# (HELP|TYPE) '
        { $results | Export-OutageReport -Path (Join-Path $TestDrive 'wrong.json') -Format Html -ErrorAction Stop } |
            Should -Throw -ErrorId 'ReportFormatMismatch,Outage.Tools.Commands.ExportOutageReportCommand'
        Test-Path (Join-Path $TestDrive 'wrong.json') | Should -BeFalse
    }

    It 'returns the file through the provider, so the default file view shows Mode and Length' {
        $file = $results | Export-OutageReport -Path (Join-Path $TestDrive 'provider.html')
        $file.PSPath | Should -Match 'FileSystem::'
        $file.PSProvider.Name | Should -Be 'FileSystem'
        $file.Mode | Should -Not -BeNullOrEmpty
        $text = $file | Out-String -Width 120
        $text | Should -Match ([regex]::Escape($file.Length.ToString()))
        $text | Should -Match ([regex]::Escape($file.Mode))
    }

    It 'does not overwrite without -Force' {
        $path = Join-Path $TestDrive 'same.html'
        $results | Export-OutageReport -Path $path | Out-Null
        { $results | Export-OutageReport -Path $path -ErrorAction Stop } |
            Should -Throw -ErrorId 'ReportFileExists,Outage.Tools.Commands.ExportOutageReportCommand'
        { $results | Export-OutageReport -Path $path -Force } | Should -Not -Throw
    }

    It 'accepts deserialized results (remoting) and keeps their host' {
        $path = Join-Path $TestDrive 'r.xml'
        $results | Export-Clixml -Path $path
        $file = Import-Clixml $path | Export-OutageReport -Path (Join-Path $TestDrive 'deser.json') -Format Json
        $doc = Get-Content $file.FullName -Raw | ConvertFrom-Json
        # The probable causes Invoke-OutageCheck emits after its results are skipped; the report derives its own.
        $groups = $results | Where-Object { $_ -is [Outage.Tools.Core.Checks.OutageCheckResult] } | Group-Object -Property @('Area', 'Target', 'Check', 'ComputerName')
        $doc.causes.statement | Should -Contain 'DNS for contoso.com is failing; OWA, ActiveSync and Autodiscover are down because of it.'
        $doc.results.Count | Should -Be $groups.Count
        $doc.results[0].computerName | Should -Be $results[0].ComputerName
    }

    It 'reports a non-result input as a non-terminating error' {
        [pscustomobject]@{ Foo = 1 } | Export-OutageReport -Path (Join-Path $TestDrive 'x.html') -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'ReportInputInvalid,Outage.Tools.Commands.ExportOutageReportCommand'
    }

    It 'supports -WhatIf' {
        $results | Export-OutageReport -Path (Join-Path $TestDrive 'whatif.html') -WhatIf
        Test-Path (Join-Path $TestDrive 'whatif.html') | Should -BeFalse
    }
}
