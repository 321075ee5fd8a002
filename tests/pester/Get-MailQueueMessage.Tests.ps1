#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Runs where pwsh and Pester 5 exist (build.ps1 -Test, tests/run.sh). Imports the staged module; uses the
# saved queue captures in tests/fixtures/queue (real postqueue -j, exim -bp output; Exchange export layouts).

BeforeAll {
    $modulePath = if ($env:OUTAGE_TOOLS_MODULE) { $env:OUTAGE_TOOLS_MODULE } else { Join-Path $PSScriptRoot '../../out/Outage.Tools/Outage.Tools.psd1' }
    Import-Module $modulePath -Force -ErrorAction Stop
    $fixtures = Join-Path $PSScriptRoot '../fixtures/queue'
    $postqueue = Join-Path $fixtures 'postqueue-j.jsonl'
    $eximBp = Join-Path $fixtures 'exim-bp.txt'
}

Describe 'Get-MailQueueMessage' {
    It 'reads a saved postqueue -j file exactly' {
        $m = Get-MailQueueMessage -Path $postqueue
        $m | Should -HaveCount 201
        $m[0].GetType().FullName | Should -Be 'Outage.Tools.Core.Queue.QueueMessage'
        $m[0].Id | Should -Be '3CE46B20032'
        $m[0].Recipients[0].Domain | Should -Be 'adatum.test'
        ($m | Where-Object Queue -eq 'hold') | Should -HaveCount 1
    }

    It 'filters by queue, domain, reason and count' {
        (Get-MailQueueMessage -Path $postqueue -Queue hold) | Should -HaveCount 1
        $n = Get-MailQueueMessage -Path $postqueue -Domain 'north*' -Reason '*Connection refused*' -First 5
        $n | Should -HaveCount 5
        $n | ForEach-Object { $_.Recipients.Domain | Should -Contain 'northwind.test' }
    }

    It 'reads an exim -bp listing with frozen messages' {
        $e = Get-MailQueueMessage -Path $eximBp -Format EximListing
        $e | Should -HaveCount 6
        ($e | Where-Object State -eq 'Frozen').Id | Should -Be '1xUYNP-0004Zh-1c'
    }

    It 'binds Exchange Get-Message objects by property name' {
        $o = [pscustomobject]@{ Identity = 'EXCH01\contoso.com\1'; FromAddress = 'a@fabrikam.com'; Status = 'Retry'; Size = '1.2 KB (1,260 bytes)'; DateReceived = (Get-Date).AddHours(-1); RetryCount = 3; Recipients = @('b@contoso.com') }
        $m = $o | Get-MailQueueMessage
        $m.Queue | Should -Be 'contoso.com'
        $m.Size | Should -Be 1260
        $m.Recipients.Address | Should -Be 'b@contoso.com'
    }

    It 'rejects an unusable -OlderThan at parameter binding, naming the accepted forms' {
        { Get-MailQueueMessage -Path $postqueue -OlderThan 'soon' -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentTransformationError*' -ExpectedMessage '*30s, 5m, 1h, 2d, 00:05:00*'
    }

    It 'rejects a negative -OlderThan with its own error id and a recommended action, before reading' {
        $e = $null
        try { Get-MailQueueMessage -Path $postqueue -OlderThan '-5m' -ErrorAction Stop } catch { $e = $_ }
        $e.FullyQualifiedErrorId | Should -BeLike 'QueueOlderThanInvalid,*'
        $e.ErrorDetails.RecommendedAction | Should -Match '-OlderThan'
    }
}
