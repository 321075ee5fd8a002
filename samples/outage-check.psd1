@{
    # The sample outage, offline and real: every check below really runs.
    # - Queue: a Postfix backlog growing over three postqueue -j snapshots; its relay host refuses connections.
    # - Log: mx1's Postfix log of the same hours: the deferrals begin when the relay host starts refusing.
    # - Mime: a folder of recent messages among which one is poison and one nonconforming.
    # - Dns and Endpoint: the zone contoso.com is asked from its (sample) name servers on loopback addresses where
    #   nothing answers, a DNS hosting failure really probed; OWA, ActiveSync and Autodiscover resolve their host
    #   names through the same servers, so they fail at their DNS lookup as users' clients did.
    # The report puts the probable causes at the top. Use your own domain, DNS servers and URLs in production:
    #   Domains = @('contoso.com'); DnsServers = @('192.0.2.53'); OwaUris = @('https://mail.contoso.com/owa/')
    #   Queues = @(@{ Kind = 'postfix'; ConfigDirectory = '/etc/postfix' }); HistoryPath = 'history.jsonl'
    Domains               = @('contoso.com')
    DnsServers            = @('127.0.0.53:5399')
    OwaUris               = @('https://mail.contoso.com/owa/')
    ActiveSyncUris        = @('https://mail.contoso.com/Microsoft-Server-ActiveSync')
    AutodiscoverAddresses = @('someone@contoso.com')
    Queues       = @(
        @{ Name = 'mx1 (postqueue -j snapshots)'; Kind = 'postqueue-json'; Path = 'queue/postqueue-*.jsonl' }
    )
    MessagePaths = @('messages')
    # The relay host's own story in Postfix's log (written by make-maillog.py from the snapshots): deferrals per
    # minute with their reason and since when, and how late mail is over the log's last hour.
    Logs         = @(@{ Name = 'mx1 (mail.log)'; Path = 'maillog/mail.log'; Window = '1h' })
    Thresholds   = @{
        QueueWarn            = 200
        QueueFail            = 2000
        OldestMessageWarnMinutes = 30
        GrowthWarnPerMinute  = 1
        CheckTimeoutSeconds  = 20
    }
}
