using System.Net;
using System.Net.Sockets;
using Outage.Tools.Core.Endpoints;
using Outage.Tools.Core;
using Xunit;

namespace Outage.Tools.Tests.Dns;

/// <summary>-DnsServer for the endpoint probes: names resolved by our DNS client through a chosen (real BIND) server.</summary>
[Collection(BindCollection.Name)]
public sealed class DnsHostResolverTests
{
    private readonly BindFixture _bind;

    public DnsHostResolverTests(BindFixture bind) => _bind = bind;

    [Fact]
    public async Task Resolves_A_and_AAAA_and_follows_the_CNAME_through_the_chosen_server()
    {
        var resolver = EndpointSetup.ResolverFor(_bind.Ns1);
        Assert.IsType<DnsHostResolver>(resolver);
        var both = await resolver.ResolveAsync("mail.example.test", null, CancellationToken.None);
        Assert.Contains(IPAddress.Loopback, both);
        Assert.Contains(IPAddress.IPv6Loopback, both);
        var v4 = await resolver.ResolveAsync("autodiscover.example.test", AddressFamily.InterNetwork, CancellationToken.None);
        Assert.Equal(new[] { IPAddress.Loopback }, v4);
    }

    [Fact]
    public async Task A_name_the_server_does_not_know_is_a_lookup_failure_naming_the_server()
    {
        var resolver = new DnsHostResolver(_bind.Ns1);
        var ex = await Assert.ThrowsAsync<DnsLookupException>(() => resolver.ResolveAsync("nope.example.test", null, CancellationToken.None));
        Assert.Contains(_bind.Ns1, ex.Message, StringComparison.Ordinal);
        Assert.Contains("NXDomain", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_bad_server_address_is_an_unusable_argument()
    {
        var ex = Assert.Throws<Core.Operations.OutageException>(() => EndpointSetup.ResolverFor("not a server:xx"));
        Assert.Equal(ErrorIds.InvalidArgument, ex.Error.ErrorId);
    }

    [Fact]
    public void No_server_means_the_system_resolver() =>
        Assert.Same(SystemHostResolver.Instance, EndpointSetup.ResolverFor(null));
}
