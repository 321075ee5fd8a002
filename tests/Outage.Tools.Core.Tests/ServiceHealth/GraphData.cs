namespace Outage.Tools.Core.Tests.ServiceHealth;

/// <summary>
/// Pages of service communications data in the documented shapes (graph-docs-contrib resources servicehealth.md,
/// servicehealthissue.md, servicehealthissuepost.md, serviceupdatemessage.md and the list-* response examples).
/// Enum values are mixed on purpose: the response examples use PascalCase ("ServiceRestored", "Incident"), the
/// resource pages and users' output camelCase; one value ("brandNewStatus") is not documented at all.
/// Written for these tests; no tenant data.
/// </summary>
public static class GraphData
{
    public static readonly string[] HealthPages =
    {
        """
        [
          {"service":"Exchange Online","status":"serviceInterruption","id":"Exchange","issues":[
            {"startDateTime":"2026-11-28T09:12:00Z","endDateTime":null,"lastModifiedDateTime":"2026-11-28T09:40:00Z","title":"Users can't send or receive email","id":"EX123456","impactDescription":"Users may be unable to send or receive email through Exchange Online.","classification":"Incident","origin":"Microsoft","status":"ServiceInterruption","service":"Exchange Online","feature":"E-Mail and calendar access","featureGroup":"E-Mail and calendar access","isResolved":false,"highImpact":null,"details":[{"name":"NotifyInApp","value":"True"}],"posts":[]},
            {"startDateTime":"2026-11-18T08:00:00Z","endDateTime":"2026-11-18T12:00:00Z","lastModifiedDateTime":"2026-11-18T13:00:00Z","title":"Old resolved issue","id":"EX100001","impactDescription":"Delays.","classification":"incident","origin":"microsoft","status":"serviceRestored","service":"Exchange Online","feature":"Mail flow","featureGroup":"Mail flow","isResolved":true,"details":[],"posts":[]}
          ]},
          {"service":"Microsoft 365 suite","status":"ServiceOperational","id":"OSDPPlatform","issues":[]}
        ]
        """,
        """
        [
          {"service":"Microsoft Teams","status":"serviceDegradation","id":"microsoftteams","issues":[
            {"startDateTime":"2026-11-28T07:00:00Z","endDateTime":null,"lastModifiedDateTime":"2026-11-28T08:00:00Z","title":"Some users see delayed chat messages","id":"TM654321","impactDescription":"Chat messages may be delayed.","classification":"advisory","origin":"microsoft","status":"serviceDegradation","service":"Microsoft Teams","feature":"Teams Components","featureGroup":"Teams Components","isResolved":false,"details":[],"posts":[]}
          ]},
          {"service":"SharePoint Online","status":"brandNewStatus","id":"SharePoint","issues":[]}
        ]
        """,
    };

    public static readonly string[] IssuePages =
    {
        """
        [
          {"startDateTime":"2026-11-28T09:12:00Z","endDateTime":null,"lastModifiedDateTime":"2026-11-28T09:40:00Z","title":"Users can't send or receive email","id":"EX123456","impactDescription":"Users may be unable to send or receive email through Exchange Online.","classification":"Incident","origin":"Microsoft","status":"ServiceInterruption","service":"Exchange Online","feature":"E-Mail and calendar access","featureGroup":"E-Mail and calendar access","isResolved":false,"highImpact":null,"details":[{"name":"NotifyInApp","value":"True"}],
           "posts":[
             {"createdDateTime":"2026-11-28T09:40:00Z","postType":"Regular","description":{"contentType":"Html","content":"Title: Users can't send or receive email<br><br>User Impact: Users may be unable to send &amp; receive email.<br><br>Current status: We're investigating."}},
             {"createdDateTime":"2026-11-28T09:15:00Z","postType":"Quick","description":{"contentType":"Html","content":"<p>We're looking into a problem.</p>"}}
           ]}
        ]
        """,
        """
        [
          {"startDateTime":"2026-11-28T07:00:00Z","endDateTime":null,"lastModifiedDateTime":"2026-11-28T08:00:00Z","title":"Some users see delayed chat messages","id":"TM654321","impactDescription":"Chat messages may be delayed.","classification":"advisory","origin":"microsoft","status":"serviceDegradation","service":"Microsoft Teams","feature":"Teams Components","featureGroup":"Teams Components","isResolved":false,"details":[],"posts":[]},
          {"startDateTime":"2026-11-18T08:00:00Z","endDateTime":"2026-11-18T12:00:00Z","lastModifiedDateTime":"2026-11-18T13:00:00Z","title":"Old resolved issue","id":"EX100001","impactDescription":"Delays.","classification":"incident","origin":"microsoft","status":"ServiceRestored","service":"Exchange Online","feature":"Mail flow","featureGroup":"Mail flow","isResolved":true,"details":[],"posts":[]}
        ]
        """,
        """
        [
          {"startDateTime":"2026-11-27T22:00:00Z","endDateTime":null,"lastModifiedDateTime":"2026-11-28T06:00:00Z","title":"Search results may be incomplete","id":"SP777777","impactDescription":"Search may miss recent items.","classification":"unknownFutureValue","origin":"thirdParty","status":"extendedRecovery","service":"SharePoint Online","feature":"Search","featureGroup":"Search","isResolved":false,"details":[],"posts":[]}
        ]
        """,
    };

    public static readonly string[] MessagePages =
    {
        """
        [
          {"startDateTime":"2026-11-01T00:00:00Z","endDateTime":"2027-01-31T00:00:00Z","lastModifiedDateTime":"2026-11-25T10:00:00Z","title":"Retirement of a legacy protocol","id":"MC172851","category":"PlanForChange","severity":"High","tags":["Admin impact","Retirement"],"isMajorChange":true,"actionRequiredByDateTime":"2027-01-15T00:00:00Z","services":["Exchange Online"],"expiryDateTime":null,"hasAttachments":false,"viewPoint":null,"details":[],"body":{"contentType":"Html","content":"<p>We will retire it.</p>"}}
        ]
        """,
        """
        [
          {"startDateTime":"2026-10-01T00:00:00Z","endDateTime":null,"lastModifiedDateTime":"2026-10-02T10:00:00Z","title":"New Teams feature","id":"MC100200","category":"stayInformed","severity":"normal","tags":[],"isMajorChange":false,"actionRequiredByDateTime":null,"services":["Microsoft Teams"],"hasAttachments":false,"viewPoint":null,"details":[],"body":{"contentType":"html","content":"Coming soon."}}
        ]
        """,
    };
}
