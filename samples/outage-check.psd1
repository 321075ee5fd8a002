@{
    # The sample outage: a Postfix backlog to several destinations growing over three postqueue -j snapshots
    # (relay host unreachable), and a folder of recent messages among which one is poison and one nonconforming.
    # Offline: no DNS or endpoint target here, so the check runs on any machine. Add your own:
    #   Domains = @('contoso.com'); DnsServers = @('192.0.2.53'); OwaUris = @('https://mail.contoso.com/owa/')
    #   SmtpHosts = @('mail.contoso.com:25')
    Queues       = @(
        @{ Name = 'mx1 (postqueue -j snapshots)'; Kind = 'postqueue-json'; Path = 'queue/postqueue-*.jsonl' }
    )
    MessagePaths = @('messages')
    Thresholds   = @{
        QueueWarn            = 200
        QueueFail            = 2000
        OldestMessageWarnMinutes = 30
        GrowthWarnPerMinute  = 1
    }
}
