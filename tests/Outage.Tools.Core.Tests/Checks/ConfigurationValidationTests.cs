using Outage.Tools.Core.Checks;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Serialization;
using Xunit;

namespace Outage.Tools.Core.Tests.Checks;

/// <summary>Configuration a hurried admin writes (issue 14): every mistake is an error naming the key.</summary>
public sealed class ConfigurationValidationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("outage-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private OutageException Load(string psd1)
    {
        var path = Path.Combine(_dir, "outage.psd1");
        File.WriteAllText(path, psd1);
        return Assert.Throws<OutageException>(() => OutageCheckConfiguration.Load(path));
    }

    [Theory]
    [InlineData("CheckTimeoutSeconds = 'NaN'", "'CheckTimeoutSeconds'")]
    [InlineData("CheckTimeoutSeconds = 'Infinity'", "'CheckTimeoutSeconds'")]
    [InlineData("CheckTimeoutSeconds = 1e300", "'CheckTimeoutSeconds'")]
    [InlineData("CheckTimeoutSeconds = -5", "'CheckTimeoutSeconds'")]
    [InlineData("CheckTimeoutSeconds = 0", "'CheckTimeoutSeconds'")]
    [InlineData("OldestMessageWarnMinutes = 'NaN'", "'OldestMessageWarnMinutes'")]
    [InlineData("QueueWarn = $true", "'QueueWarn' needs a number")]
    [InlineData("QueueWarn = @(1, 2)", "'QueueWarn' needs a number")]
    public void Bad_thresholds_are_configuration_errors_naming_the_threshold(string threshold, string expected)
    {
        var ex = Load($"@{{ Domains = 'example.test'; Thresholds = @{{ {threshold} }} }}");
        Assert.Equal(ErrorIds.CheckConfigurationInvalid, ex.Error.ErrorId);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Queues = @(@{ Knd = 'postqueue-json'; Path = 'q.jsonl' })", "unknown key 'Knd' in an entry of Queues")]
    [InlineData("Queues = @(@{ Kind = 'postqueue-json'; Pth = 'q.jsonl' })", "unknown key 'Pth' in an entry of Queues")]
    [InlineData("Queues = @(@{ Kind = 'postqueue-json'; Path = 5 })", "Queues: Path must be text")]
    [InlineData("HistoryPath = 5", "HistoryPath must be text")]
    [InlineData("Thresholds = 'QueueWarn=5'", "Thresholds must be a table")]
    public void Misspelt_queue_keys_and_wrong_types_are_errors_naming_the_key(string entry, string expected)
    {
        var ex = Load($"@{{ Domains = 'example.test'; {entry} }}");
        Assert.Equal(ErrorIds.CheckConfigurationInvalid, ex.Error.ErrorId);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(-1)]
    [InlineData(1e300)]
    public void A_run_with_an_unusable_timeout_set_in_code_is_refused_before_it_starts(double seconds)
    {
        var config = new OutageCheckConfiguration();
        config.Domains.Add("example.test");
        config.Thresholds.CheckTimeoutSeconds = seconds;
        var ex = Assert.Throws<OutageException>(() => OutageCheckRunner.Run(new OutageCheckRequest(config, OutageCheckProviders.Default()), null, CancellationToken.None));
        Assert.Equal(ErrorIds.CheckConfigurationInvalid, ex.Error.ErrorId);
        Assert.Contains("CheckTimeoutSeconds", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_good_configuration_still_loads()
    {
        var path = Path.Combine(_dir, "ok.psd1");
        File.WriteAllText(path, "@{ Domains = 'example.test'; Thresholds = @{ CheckTimeoutSeconds = 30; QueueWarn = '100' }; Queues = @(@{ Kind = 'postqueue-json'; Path = 'q.jsonl'; Name = 'mx1' }) }");
        var config = OutageCheckConfiguration.Load(path);
        Assert.Equal(30, config.Thresholds.CheckTimeoutSeconds);
        Assert.Equal(100, config.Thresholds.QueueWarn);
        Assert.Equal("mx1", Assert.Single(config.Queues).Name);
    }
}
