#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Runs where pwsh and Pester 5 exist (build.ps1 -Test, tests/run.sh). Imports the staged module.

BeforeAll {
    $modulePath = if ($env:OUTAGE_TOOLS_MODULE) { $env:OUTAGE_TOOLS_MODULE } else { Join-Path $PSScriptRoot '../../out/Outage.Tools/Outage.Tools.psd1' }
    Import-Module $modulePath -Force -ErrorAction Stop
}

Describe 'Get-MimeRule' {
    It 'lists the whole catalogue as typed objects' {
        $rules = Get-MimeRule
        $rules.Count | Should -BeGreaterThan 40
        $rules[0].GetType().FullName | Should -Be 'Outage.Tools.Core.Mime.MimeRule'
        $rules.Id | Should -Contain 'boundary-close-missing'
    }

    It 'filters by wildcard' {
        $rules = Get-MimeRule -Id 'boundary-*'
        $rules.Id | Should -HaveCount 4
        $rules.Id | ForEach-Object { $_ | Should -BeLike 'boundary-*' }
    }

    It 'binds ids from the pipeline by value and by property name' {
        ('line-bare-cr', 'nul-byte' | Get-MimeRule).Id | Should -Be @('line-bare-cr', 'nul-byte')
        ([pscustomobject]@{ Rule = 'nul-byte' } | Get-MimeRule).Id | Should -Be 'nul-byte'
    }

    It 'filters by minimum severity' {
        Get-MimeRule -MinimumSeverity Error | ForEach-Object { $_.DefaultSeverity | Should -Be 'Error' }
    }

    It 'reports an unknown id as a non-terminating error with a stable id' {
        $rules = Get-MimeRule -Id 'nul-byte', 'no-such-rule' -ErrorAction SilentlyContinue -ErrorVariable err
        $rules.Id | Should -Be 'nul-byte'
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'MimeRuleNotFound,Outage.Tools.Commands.GetMimeRuleCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -Be 'no-such-rule'
    }

    It 'has help with examples' {
        $help = Get-Help Get-MimeRule -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
    }

    It 'formats as a table by default' {
        (Get-MimeRule -Id nul-byte | Out-String) | Should -Match 'Id\s+Area\s+Severity'
    }
}
