using System.Diagnostics;
using System.Text;
using Outage.Tools.Core.Tests.Endpoints;
using Xunit;

namespace Outage.Tools.Module.Tests;

/// <summary>
/// `outage probe owa|ews|activesync --user U` with the password in OUTAGE_PROBE_PASSWORD (never on the command line),
/// against the server that reflects what it was sent (SecretReflector: 127.0.0.1, the test CA) into its status line,
/// headers, redirect and body. Standard output and standard error, as JSON and as a table, never carry the password,
/// the Basic token or its URL-escaped form; the answers did carry them (the probe shows "[redacted]" in their place).
/// </summary>
public sealed class CliSecretLeakTests : IDisposable
{
    private const string User = "probe@contoso.test";
    private static readonly string Password = "Cli-Leak-" + Guid.NewGuid().ToString("N");
    private static readonly string Token = Convert.ToBase64String(Encoding.UTF8.GetBytes(User + ":" + Password));

    private readonly TestPki _pki = new();
    private readonly SecretReflector _server;
    private readonly string _ca = Path.Combine(Path.GetTempPath(), "outage-cli-secrets-" + Guid.NewGuid().ToString("N") + ".pem");

    public CliSecretLeakTests()
    {
        _server = new SecretReflector(_pki.Valid, "127.0.0.1");
        File.WriteAllText(_ca, _pki.CaPem());
    }

    private static CliProcess.Result Run(string? password, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false, WorkingDirectory = Repo.Root,
        };
        start.ArgumentList.Add(Repo.CliAssembly);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment.Remove("OUTAGE_PROBE_PASSWORD");
        if (password is not null)
        {
            start.Environment["OUTAGE_PROBE_PASSWORD"] = password;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"outage {string.Join(' ', args)} did not finish within 120 s.");
        }

        process.WaitForExit();
        return new CliProcess.Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    [Theory]
    [InlineData("owa", "/owa/")]
    [InlineData("ews", "")]
    [InlineData("activesync", "")]
    public void The_password_of_user_never_reaches_the_output(string probe, string path)
    {
        foreach (var format in new[] { "json", "table" })
        {
            var r = Run(Password, "probe", probe, $"https://127.0.0.1:{_server.Port}{path}", "--user", User, "--trusted-root", _ca,
                "--timeout", "10", "--format", format);
            var all = r.Stdout + r.Stderr;
            Assert.DoesNotContain(Password, all, StringComparison.Ordinal);
            Assert.DoesNotContain(Token, all, StringComparison.Ordinal);
            Assert.DoesNotContain(Uri.EscapeDataString(Token), all, StringComparison.Ordinal);
            if (format == "json")
            {
                // The server had the credential and reflected it; the probe replaced it.
                Assert.Contains("[redacted]", r.Stdout, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void User_without_OUTAGE_PROBE_PASSWORD_says_where_the_password_goes()
    {
        var r = Run(null, "probe", "ews", $"https://127.0.0.1:{_server.Port}", "--user", User, "--trusted-root", _ca);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("OUTAGE_PROBE_PASSWORD", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("never taken from the command line", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Smtp_has_no_user_option()
    {
        var r = Run(Password, "probe", "smtp", "127.0.0.1:1", "--user", User);
        Assert.NotEqual(0, r.ExitCode);
        Assert.DoesNotContain(Password, r.Stdout + r.Stderr, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _server.Dispose();
        _pki.Dispose();
        File.Delete(_ca);
    }
}
