# Starts tests/Outage.Tools.TestServer in "graph" mode: a local stand-in for the Microsoft identity platform and
# Graph service communications (documented shapes; see docs/service-health.md) on 127.0.0.1 only. Dot-source it in
# BeforeAll; Stop-GraphTestServer in AfterAll. Needs a Release (or Debug) build of the test server.
# The service-health tests call Start-GraphTestPeer, which also makes a fresh client secret and the parameters
# every call shares (-TenantId, -ClientId, -ClientSecret, -Authority, -GraphEndpoint, -TrustedRootCertificate, -Timeout).

function Start-GraphTestServer {
    param([Parameter(Mandatory = $true)][string] $WorkFolder, [Parameter(Mandatory = $true)][string] $ClientSecret, [string] $PfxPassword = 'pfx-pass')
    $root = Join-Path $PSScriptRoot '../Outage.Tools.TestServer/bin'
    $dll = @('Release', 'Debug') | ForEach-Object { Join-Path $root "$_/net10.0/Outage.Tools.TestServer.dll" } | Where-Object { Test-Path $_ } | Select-Object -First 1
    if (-not $dll) { throw "Build the test server first: dotnet build tests/Outage.Tools.TestServer -c Release" }
    $ca = Join-Path $WorkFolder 'test-ca.pem'
    $pfx = Join-Path $WorkFolder 'app.pfx'
    $psi = New-Object System.Diagnostics.ProcessStartInfo
    $psi.FileName = 'dotnet'
    $psi.Arguments = ('"{0}" "{1}" graph "{2}"' -f $dll, $ca, $pfx)
    $psi.UseShellExecute = $false
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.EnvironmentVariables['OUTAGE_TEST_CLIENT_SECRET'] = $ClientSecret
    $psi.EnvironmentVariables['OUTAGE_TEST_PFX_PASSWORD'] = $PfxPassword
    $process = [System.Diagnostics.Process]::Start($psi)
    $read = $process.StandardOutput.ReadLineAsync()
    if (-not $read.Wait(60000)) { $process.Kill(); throw 'The graph test server did not start within 60 s.' }
    $https, $http = $read.Result -split ' '
    [pscustomobject]@{
        Process   = $process
        Authority = $https + '/'
        Https     = $https
        Http      = $http
        CaPem     = $ca
        Pfx       = $pfx
        TenantId  = '72f988bf-0000-4000-8000-00000000cafe'
        ClientId  = '0b6c2f3e-1111-4222-8333-444455556666'
        MiHeader  = 'mi-header-7f3a9c-never-echo'
    }
}

function Stop-GraphTestServer {
    param($Server)
    if ($Server -and -not $Server.Process.HasExited) {
        $Server.Process.StandardInput.Close()
        if (-not $Server.Process.WaitForExit(10000)) { $Server.Process.Kill() }
    }
}

function Start-GraphTestPeer {
    # The server with a fresh secret, and the splat of connection parameters the service-health cmdlets share.
    param([Parameter(Mandatory = $true)][string] $WorkFolder)
    $secret = 'Pester-Secret-' + [guid]::NewGuid()
    $server = Start-GraphTestServer -WorkFolder $WorkFolder -ClientSecret $secret
    $common = @{
        TenantId               = $server.TenantId
        ClientId               = $server.ClientId
        ClientSecret           = (ConvertTo-SecureString $secret -AsPlainText -Force)
        Authority              = $server.Authority
        GraphEndpoint          = $server.Https + '/ok/'
        TrustedRootCertificate = $server.CaPem
        Timeout                = 10
    }
    [pscustomobject]@{ Server = $server; Secret = $secret; Common = $common }
}
