namespace Outage.Tools.Core;

public static partial class ErrorIds
{
    /// <summary>-ConfigurationPath names a file that does not exist or cannot be read.</summary>
    public const string CheckConfigurationNotFound = "CheckConfigurationNotFound";

    /// <summary>The configuration file is not valid .psd1/.json or has unknown keys or bad thresholds.</summary>
    public const string CheckConfigurationInvalid = "CheckConfigurationInvalid";

    /// <summary>Invoke-OutageCheck was given nothing to check.</summary>
    public const string CheckNothingToDo = "CheckNothingToDo";

    /// <summary>-FailOnError: at least one check failed (the terminating error that marks an Azure Automation job Failed).</summary>
    public const string CheckFailed = "OutageCheckFailed";

    /// <summary>Export-OutageReport would overwrite an existing file without -Force.</summary>
    public const string ReportFileExists = "ReportFileExists";

    /// <summary>Export-OutageReport's -Format contradicts the file's extension (HTML to r.json).</summary>
    public const string ReportFormatMismatch = "ReportFormatMismatch";

    /// <summary>Export-OutageReport cannot write its file.</summary>
    public const string ReportWriteFailed = "ReportWriteFailed";

    /// <summary>A pipeline object given to Export-OutageReport is not an outage check result.</summary>
    public const string ReportInputInvalid = "ReportInputInvalid";

    /// <summary>An Invoke-OutageCheck -Threshold entry that names no threshold or has an unusable value.</summary>
    public const string CheckThresholdInvalid = "CheckThresholdInvalid";
}
