#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Runs where pwsh and Pester 5 exist (build.ps1 -Test, tests/run.sh). Imports the staged module.

BeforeAll {
    $modulePath = if ($env:OUTAGE_TOOLS_MODULE) { $env:OUTAGE_TOOLS_MODULE } else { Join-Path $PSScriptRoot '../../out/Outage.Tools/Outage.Tools.psd1' }
    Import-Module $modulePath -Force -ErrorAction Stop
    $fixtures = Join-Path $PSScriptRoot '../fixtures/mime'
}

Describe 'Get-MimeStructure' {
    It 'returns the part tree in document order' {
        $parts = Get-MimeStructure -Path (Join-Path $fixtures 'valid-nested.eml')
        $parts[0].GetType().FullName | Should -Be 'Outage.Tools.Core.Mime.MimePartInfo'
        $parts.Part | Should -Be @('0', '1', '1.1', '1.2', '2', '3', '3')
        $parts[0].ContentType | Should -Be 'multipart/mixed'
        ($parts | Where-Object Part -eq '2').FileName | Should -BeLike 'Caf* report.pdf'
        ($parts | Where-Object Part -eq '2').TransferEncoding | Should -Be 'base64'
    }

    It 'takes pipeline input by property name' {
        $parts = Get-ChildItem (Join-Path $fixtures 'valid-digest.eml') | Get-MimeStructure
        $parts[0].ContentType | Should -Be 'multipart/digest'
        $parts[1].ContentType | Should -Be 'message/rfc822'
    }

    It 'has help with examples' {
        $help = Get-Help Get-MimeStructure -Full
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
    }

    It 'formats as a table by default' {
        (Get-MimeStructure -Path (Join-Path $fixtures 'valid-simple-8bit.eml') | Out-String) | Should -Match 'Part\s+ContentType\s+Charset'
    }
}
