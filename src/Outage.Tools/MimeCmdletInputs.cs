using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Text;
using Outage.Tools.Core;
using Outage.Tools.Core.Mime;
using Outage.Tools.Core.Operations;

namespace Outage.Tools;

/// <summary>Turns the -Path/-LiteralPath/-Content/-InputObject of the MIME cmdlets into Core inputs (file system paths only).</summary>
internal static class MimeCmdletInputs
{
    public static IEnumerable<MimeInput> Resolve(OutageCmdlet cmdlet, string parameterSet, string[]? path, string[]? literalPath,
        byte[]? content, IMessageContent? message)
    {
        switch (parameterSet)
        {
            case "LiteralPath":
                foreach (var p in literalPath ?? Array.Empty<string>())
                {
                    yield return MimeInput.FromPath(cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(p));
                }

                break;
            case "Content":
                if (content is null)
                {
                    yield break;
                }

                yield return MimeInput.FromBytes("<content>", content);
                break;
            case "InputObject":
                if (message is not null)
                {
                    yield return MimeInput.FromMessage(message);
                }

                break;
            default:
                foreach (var p in path ?? Array.Empty<string>())
                {
                    if (p.IndexOf('\n') >= 0)
                    {
                        // A whole message piped as one string (Get-Content x.eml -Raw | Test-MimeMessage) binds to -Path
                        // by value; no path has a line break, so it is content.
                        yield return MimeInput.FromBytes("<content>", Encoding.UTF8.GetBytes(p));
                        continue;
                    }

                    if (ExistingLiteral(cmdlet, p) is { } literal)
                    {
                        yield return MimeInput.FromPath(literal);
                        continue;
                    }

                    Collection<string>? resolved = null;
                    ItemError? error = null;
                    try
                    {
                        resolved = cmdlet.SessionState.Path.GetResolvedProviderPathFromPSPath(p, out var provider);
                        if (provider.Name != "FileSystem")
                        {
                            error = new ItemError(ErrorIds.InvalidArgument, OutageErrorCategory.InvalidArgument,
                                $"The path '{p}' is not a file system path.", p, "Give a path to a file or a folder.");
                        }
                    }
                    catch (ItemNotFoundException ex)
                    {
                        error = new ItemError(ErrorIds.PathNotFound, OutageErrorCategory.ObjectNotFound, $"The path '{p}' does not exist.", p,
                            "Check the path, or use -LiteralPath for names with wildcard characters.", ex);
                    }
                    catch (SessionStateException ex)
                    {
                        // A drive or provider that does not exist (nodrive:/x.eml): this item fails, the others are checked.
                        error = new ItemError(ErrorIds.PathNotFound, OutageErrorCategory.ObjectNotFound, $"The path '{p}' cannot be used: {ex.Message}", p,
                            "Give a file system path to a file or a folder.", ex);
                    }
                    catch (PSArgumentException ex)
                    {
                        error = new ItemError(ErrorIds.InvalidArgument, OutageErrorCategory.InvalidArgument, $"The path '{p}' cannot be used: {ex.Message}", p,
                            "Give a file system path to a file or a folder.", ex);
                    }

                    if (error is not null)
                    {
                        cmdlet.WriteError(OutageCmdlet.ToErrorRecord(error));
                        continue;
                    }

                    foreach (var r in resolved!)
                    {
                        yield return MimeInput.FromPath(r);
                    }
                }

                break;
        }
    }

    /// <summary>A rooted file system path: /x on Unix, C:\x or \\server\share on Windows (not C:x, not a PowerShell drive).</summary>
    private static bool IsFullyQualified(string path) =>
        System.IO.Path.DirectorySeparatorChar == '/'
            ? path[0] == '/'
            : (path.Length >= 3 && char.IsLetter(path[0]) && path[1] == ':' && (path[2] == '\\' || path[2] == '/'))
              || path.StartsWith(@"\\", StringComparison.Ordinal);

    /// <summary>
    /// A -Path without wildcard or escape characters that names an existing file or folder: resolved without the
    /// globber, which costs most of the time of a piped file (Get-ChildItem | Test-MimeMessage). Null otherwise,
    /// and the globber decides (wildcards, errors).
    /// </summary>
    private static string? ExistingLiteral(OutageCmdlet cmdlet, string path)
    {
        if (string.IsNullOrEmpty(path) || path.IndexOf('`') >= 0 || WildcardPattern.ContainsWildcardCharacters(path))
        {
            return null;
        }

        if (IsFullyQualified(path))
        {
            // Already a file system path (what Get-ChildItem's FullName gives): no provider work at all.
            return System.IO.File.Exists(path) || System.IO.Directory.Exists(path) ? path : null;
        }

        try
        {
            var resolved = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
            return provider.Name == "FileSystem" && (System.IO.File.Exists(resolved) || System.IO.Directory.Exists(resolved)) ? resolved : null;
        }
        catch (Exception ex) when (ex is ItemNotFoundException or DriveNotFoundException or ProviderNotFoundException or NotSupportedException
            or ArgumentException or PSInvalidOperationException)
        {
            return null;
        }
    }
}
