#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Runs where pwsh and Pester 5 exist (build.ps1 -Test, tests/run.sh). Imports the staged module.

BeforeAll {
    $modulePath = if ($env:OUTAGE_TOOLS_MODULE) { $env:OUTAGE_TOOLS_MODULE } else { Join-Path $PSScriptRoot '../../out/Outage.Tools/Outage.Tools.psd1' }
    Import-Module $modulePath -Force -ErrorAction Stop
    $message = Join-Path $PSScriptRoot '../fixtures/headers/hops.eml'
}

Describe 'Get-MessageHop' {
    It 'returns the chain oldest first with delays and flags clock skew' {
        $hops = Get-MessageHop -Path $message
        $hops[0].GetType().FullName | Should -Be 'Outage.Tools.Core.Headers.ReceivedHop'
        $hops.Hop | Should -Be @(1, 2, 3)
        $hops[0].Date | Should -Be ([DateTimeOffset]::new(2026, 11, 30, 5, 10, 0, [TimeSpan]::Zero))
        $hops[1].Delay | Should -Be ([TimeSpan]::FromSeconds(380))
        $hops[2].Delay | Should -Be ([TimeSpan]::FromSeconds(-10))
        $hops[2].ClockSkew | Should -BeTrue
        $hops[2].By | Should -Be 'mx.contoso.test (Postfix)'
        $hops[2].TotalDelay | Should -Be ([TimeSpan]::FromSeconds(370))
    }

    It 'takes raw content and piped files' {
        @(Get-MessageHop -Content ([IO.File]::ReadAllBytes($message))).Count | Should -Be 3
        @(Get-Item $message | Get-MessageHop).Count | Should -Be 3
    }

    It 'warns for a message without Received fields and errors for a missing file' {
        $none = Join-Path $TestDrive 'none.eml'
        Set-Content -Path $none -Value "Subject: x`r`n`r`nbody"
        @(Get-MessageHop -Path $none -WarningVariable w -WarningAction SilentlyContinue).Count | Should -Be 0
        "$($w[0])" | Should -Match 'no Received header field'
        Get-MessageHop -LiteralPath (Join-Path $TestDrive 'nope.eml') -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'PathNotFound*'
    }

    It 'resolves wildcards in -Path and says so (SupportsWildcards, help globbing true)' {
        $folder = Join-Path $TestDrive 'wild'
        $null = New-Item -ItemType Directory -Path $folder
        Copy-Item -LiteralPath $message -Destination (Join-Path $folder 'a1.eml')
        Copy-Item -LiteralPath $message -Destination (Join-Path $folder 'a2.eml')
        @(Get-MessageHop -Path (Join-Path $folder 'a?.eml')).Count | Should -Be 6
        (Get-Command Get-MessageHop).Parameters['Path'].Attributes.TypeId.Name | Should -Contain 'SupportsWildcardsAttribute'
        (Get-Help Get-MessageHop -Parameter Path).globbing | Should -Be 'true'
        (Get-Help Get-MessageHop -Parameter LiteralPath).globbing | Should -Be 'false'
    }

    It 'declares the same message inputs as Test-MimeMessage, Get-MimeStructure and Get-MessageHeaderReport' {
        $describe = {
            param($name)
            $command = Get-Command $name
            foreach ($p in 'Path', 'LiteralPath', 'Content', 'InputObject') {
                $parameter = $command.Parameters[$p]
                $sets = foreach ($set in ($parameter.ParameterSets.Keys | Sort-Object)) {
                    $a = $parameter.ParameterSets[$set]
                    '{0}:{1}:{2}:{3}:{4}' -f $set, $a.IsMandatory, $a.Position, $a.ValueFromPipeline, $a.ValueFromPipelineByPropertyName
                }
                '{0} {1} [{2}] {3} {4}' -f $p, $parameter.ParameterType, (($parameter.Aliases | Sort-Object) -join ','), ($sets -join ';'),
                    ($parameter.Attributes.TypeId.Name -contains 'SupportsWildcardsAttribute')
            }
            $command.DefaultParameterSet
        }
        $hop = & $describe 'Get-MessageHop'
        (& $describe 'Test-MimeMessage') | Should -Be $hop
        (& $describe 'Get-MimeStructure') | Should -Be $hop
        (& $describe 'Get-MessageHeaderReport') | Should -Be $hop
    }

    It 'has help with examples and a default table view' {
        @((Get-Help Get-MessageHop -Full).Examples.Example).Count | Should -BeGreaterOrEqual 2
        (Get-MessageHop -Path $message | Out-String -Width 120) | Should -Match 'Hop\s+Date\s+Delay\s+Skew'
    }
}
