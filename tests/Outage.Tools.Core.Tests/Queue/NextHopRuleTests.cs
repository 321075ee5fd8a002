using Outage.Tools.Core.Queue;
using Xunit;

namespace Outage.Tools.Core.Tests.Queue;

/// <summary>The next-hop rules of <see cref="PostfixNextHops"/> on postconf values (transport(5), postconf(5)).</summary>
public sealed class NextHopRuleTests
{
    private static PostfixNextHops Hops(Dictionary<string, string> values, Dictionary<string, string>? transport = null) =>
        new(PostfixConfig.FromValues(values), _ => transport);

    [Fact]
    public void Without_relayhost_the_next_hop_is_the_recipient_domain()
    {
        Assert.Equal("contoso.com", Hops(new() { ["default_transport"] = "smtp" }).Of("a@Contoso.com"));
    }

    [Fact]
    public void Relayhost_is_the_next_hop_of_remote_mail_and_local_domains_stay_local()
    {
        var h = Hops(new() { ["relayhost"] = "[10.0.0.5]:587", ["mydestination"] = "mx.vm.test, localhost" });
        Assert.Equal("[10.0.0.5]:587", h.Of("a@contoso.com"));
        Assert.Equal("local", h.Of("root@mx.vm.test"));
    }

    [Fact]
    public void Transport_map_entries_win_in_transport5_order_and_an_empty_next_hop_keeps_the_default()
    {
        var t = new Dictionary<string, string> { ["special@contoso.com"] = "smtp:[10.9.9.9]", [".contoso.com"] = "smtp:[10.1.1.1]:25", ["fabrikam.com"] = "relay:" };
        var h = Hops(new() { ["transport_maps"] = "hash:/etc/postfix/transport", ["relayhost"] = "[10.0.0.5]" }, t);
        Assert.Equal("[10.9.9.9]", h.Of("special@contoso.com"));
        Assert.Equal("[10.1.1.1]:25", h.Of("a@eu.contoso.com"));
        Assert.Equal("[10.0.0.5]", h.Of("a@contoso.com"));
        Assert.Equal("[10.0.0.5]", h.Of("a@fabrikam.com"));
    }

    [Fact]
    public void What_cannot_be_evaluated_is_Unknown_never_a_guess()
    {
        Assert.Equal(PostfixNextHops.Unknown, Hops(new() { ["sender_dependent_relayhost_maps"] = "hash:/etc/postfix/sdr" }).Of("a@contoso.com"));
        Assert.Equal(PostfixNextHops.Unknown, Hops(new() { ["transport_maps"] = "pcre:/etc/postfix/transport.pcre" }, null).Of("a@contoso.com"));
        Assert.Equal(PostfixNextHops.Unknown, Hops(new() { ["mydestination"] = "hash:/etc/postfix/local_domains" }).Of("a@contoso.com"));
    }

    [Fact]
    public void Exim_bt_output_gives_the_hosts_or_the_transport()
    {
        Assert.Equal("[127.0.0.3]:2599", EximNextHops.Parse("u0@contoso.test\n  router = smarthost, transport = remote_smtp\n  host 127.0.0.3 [127.0.0.3] port=2599\n"));
        Assert.Equal("local_delivery", EximNextHops.Parse("root@vm.test\n  router = localuser, transport = local_delivery\n"));
    }
}
