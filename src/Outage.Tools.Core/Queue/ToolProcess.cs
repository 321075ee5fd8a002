using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Queue;

/// <summary>
/// Runs a queue tool (postqueue, postcat, postsuper, exim) with a time limit. A missing binary is one clear
/// <see cref="OutageException"/> naming the tool and the option that fixes it.
/// </summary>
internal sealed class ToolProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly Timer _timer;
    private readonly CancellationTokenRegistration _cancel;
    private int _killed;

    private ToolProcess(Process process, TimeSpan timeout, CancellationToken cancellationToken)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    if (_stderr.Length < 8192)
                    {
                        _stderr.AppendLine(e.Data);
                    }
                }
            }
        };
        _process.BeginErrorReadLine();
        _timer = new Timer(_ => Kill(), null, timeout, Timeout.InfiniteTimeSpan);
        _cancel = cancellationToken.Register(Kill);
    }

    public string Tool { get; private set; } = string.Empty;

    public Stream Output => _process.StandardOutput.BaseStream;

    public TextReader OutputText => _process.StandardOutput;

    public bool TimedOut => _killed != 0;

    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString().Trim();
            }
        }
    }

    /// <summary>Starts <paramref name="tool"/> (a name on PATH, or a path).</summary>
    public static ToolProcess Start(string tool, IEnumerable<string> args, string fixHint, TimeSpan timeout, CancellationToken cancellationToken,
        byte[]? stdin = null)
    {
        var resolved = Resolve(tool);
        if (resolved is null)
        {
            throw new OutageException(ErrorIds.ToolNotFound, OutageErrorCategory.NotInstalled,
                $"The tool '{tool}' was not found (looked on PATH and in /usr/sbin, /usr/bin, /usr/local/sbin).", tool, fixHint);
        }

        var psi = new ProcessStartInfo(resolved, Quote(args))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            CreateNoWindow = true,
        };
        Process p;
        try
        {
            p = Process.Start(psi) ?? throw new Win32Exception("no process");
        }
        catch (Win32Exception ex)
        {
            throw new OutageException(ErrorIds.ToolNotFound, OutageErrorCategory.PermissionDenied,
                $"The tool '{resolved}' could not be started: {ex.Message}.", tool, fixHint, ex);
        }

        if (stdin is not null)
        {
            p.StandardInput.BaseStream.Write(stdin, 0, stdin.Length);
            p.StandardInput.Close();
        }

        return new ToolProcess(p, timeout, cancellationToken) { Tool = tool };
    }

    /// <summary>Waits for the exit (the output must have been read); returns the exit code.</summary>
    public int WaitForExit()
    {
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Runs to the end and returns stdout as text.</summary>
    public static (int ExitCode, string Output, string Error) Run(string tool, IEnumerable<string> args, string fixHint, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        using var p = Start(tool, args, fixHint, timeout, cancellationToken);
        var output = p.OutputText.ReadToEnd();
        var rc = p.WaitForExit();
        cancellationToken.ThrowIfCancellationRequested();
        if (p.TimedOut)
        {
            throw new OutageException(ErrorIds.QueueToolFailed, OutageErrorCategory.OperationTimeout,
                $"'{tool}' did not finish within {timeout.TotalSeconds:0} s and was stopped.", tool, "Retry, or raise the timeout.");
        }

        return (rc, output, p.StandardError);
    }

    internal static string? Resolve(string tool)
    {
        if (tool.IndexOf('/') >= 0 || tool.IndexOf('\\') >= 0)
        {
            return File.Exists(tool) ? tool : null;
        }

        var dirs = new List<string>((Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator));
        dirs.AddRange(new[] { "/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", "/sbin" });
        foreach (var d in dirs)
        {
            if (d.Length == 0)
            {
                continue;
            }

            var candidate = Path.Combine(d, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    // Command-line quoting as .NET's ProcessStartInfo parses it on Unix and Windows.
    private static string Quote(IEnumerable<string> args)
    {
        var sb = new StringBuilder();
        foreach (var a in args)
        {
            if (sb.Length > 0)
            {
                sb.Append(' ');
            }

            if (a.Length > 0 && a.IndexOfAny(new[] { ' ', '\t', '"', '\\', '\'' }) < 0)
            {
                sb.Append(a);
                continue;
            }

            sb.Append('"');
            var slashes = 0;
            foreach (var c in a)
            {
                if (c == '\\')
                {
                    slashes++;
                    continue;
                }

                if (c == '"')
                {
                    sb.Append('\\', (slashes * 2) + 1);
                }
                else
                {
                    sb.Append('\\', slashes);
                }

                slashes = 0;
                sb.Append(c);
            }

            sb.Append('\\', slashes * 2);
            sb.Append('"');
        }

        return sb.ToString();
    }

    private void Kill()
    {
        if (Interlocked.Exchange(ref _killed, 1) == 0)
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill();
                }
            }
            catch (InvalidOperationException)
            {
            }
            catch (Win32Exception)
            {
            }
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        _cancel.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                Kill();
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }
}
