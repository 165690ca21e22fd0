using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using FreedomCti.Presence.Gateway;
using FreedomCti.Presence.Gateway.Protocol;
using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

/// <summary>
/// One source of truth per wire fact: the close codes with their retry class (Gateway/Protocol/PresenceCloseCodes.cs)
/// and the status and source names (the enums' [JsonStringEnumMemberName]) against every copy a client or a reader
/// relies on: docs/asyncapi.yaml (its table, its code list, its schemas), docs/protocol.md and the JavaScript client's
/// src/protocol.js. A change to one that the others do not follow fails here.
/// </summary>
public sealed partial class ProtocolFactsTests
{
    private static readonly AsyncApiDocument Doc = AsyncApiDocument.Load();
    private static readonly string ProtocolMd = File.ReadAllText(AsyncApiDocument.PathInRepository("docs/protocol.md"));

    private sealed record CodeRow(int Code, string Message, bool Closes, string Retry)
    {
        public override string ToString() => $"{Code} {Message} closes={Closes} retry={Retry}";
    }

    private static List<CodeRow> Gateway() =>
        [.. PresenceCloseCodes.All.Select(e => new CodeRow(e.Code, e.Message, e.Closes, WireNames<RetryClass>.Of(e.Retry))).OrderBy(r => r.Code)];

    private static JsonObject Client()
    {
        var script = NodeScript.Start("clients/js/test/support/print-protocol.mjs");
        try
        {
            return script.WaitForAsync(_ => true, TimeSpan.FromSeconds(20)).GetAwaiter().GetResult();
        }
        finally
        {
            script.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    [Fact]
    public void CloseCodes_TheAsyncApiTableOfCodes_IsTheGatewaysTable()
    {
        var table = Doc.Root["info"]!["x-close-codes"]!.AsArray()
            .Select(c => new CodeRow((int)c!["code"]!, (string)c["message"]!, (bool)c["closes"]!, (string)c["retry"]!)).OrderBy(r => r.Code);
        Assert.Equal(Gateway(), table);
    }

    [Fact]
    public void CloseCodes_TheAsyncApiSchemasAndProse_FollowTheGatewaysTable()
    {
        var gateway = Gateway();
        var schemas = Doc.Root["components"]!["schemas"]!;
        Assert.Equal(gateway.Select(g => g.Code).Order(), schemas["errorCode"]!["enum"]!.AsArray().Select(c => (int)c!).Order());
        Assert.Equal(gateway.Select(g => g.Message).Order(), schemas["errorMessage"]!["enum"]!.AsArray().Select(c => (string)c!).Order());

        var rules = schemas["errorCodeRules"]!;
        var pairs = rules["oneOf"]!.AsArray()
            .Select(p => $"{(int)p!["properties"]!["code"]!["const"]!} {(string)p["properties"]!["message"]!["const"]!}").Order();
        Assert.Equal(gateway.Select(g => $"{g.Code} {g.Message}").Order(), pairs);
        var withHint = rules["allOf"]![0]!["if"]!["properties"]!["code"]!["enum"]!.AsArray().Select(c => (int)c!).Order();
        Assert.Equal(gateway.Where(g => g.Retry == "after-hint").Select(g => g.Code).Order(), withHint);

        // The description's table: every code, with the socket staying open exactly when it does not close.
        var description = (string)Doc.Root["info"]!["description"]!;
        foreach (var row in gateway)
        {
            Assert.Matches($@"\| {row.Code} \| `{row.Message}` \| {(row.Closes ? "closed" : "stays open")} \|", description);
        }
    }

    [Fact]
    public void CloseCodes_TheProtocolDocsTable_SaysWhatTheGatewaysTableSays()
    {
        var section = ProtocolMd[ProtocolMd.IndexOf("## Errors and close codes", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 3, StringComparison.Ordinal)];
        var rows = RowPattern().Matches(section).Select(m =>
        {
            var socket = m.Groups["socket"].Value;
            var retry = m.Groups["retry"].Value.TrimStart();
            return new CodeRow(int.Parse(m.Groups["code"].Value), m.Groups["message"].Value, !socket.Contains("stays open"),
                retry.StartsWith("**Retry**") ? "after-hint" : retry.StartsWith("**New token**") ? "new-token"
                : retry.StartsWith("**Stop**") || retry.StartsWith("No") ? "never" : $"unknown: {retry}");
        }).OrderBy(r => r.Code);
        Assert.Equal(Gateway(), rows);
    }

    [Fact]
    public void CloseCodes_TheJavaScriptClientsTable_IsTheGatewaysTable_AndItsTerminalCodesAreTheNeverClass()
    {
        var client = Client();
        var table = client["closeCodes"]!.AsArray()
            .Select(c => new CodeRow((int)c!["code"]!, (string)c["message"]!, (bool)c["closes"]!, (string)c["retry"]!)).OrderBy(r => r.Code);
        Assert.Equal(Gateway(), table);
        Assert.Equal(Gateway().Where(g => g.Retry == "never").Select(g => g.Code).Order(), client["terminalCodes"]!.AsArray().Select(c => (int)c!).Order());
    }

    [Fact]
    public void RetryHints_AreGivenForExactlyTheAfterHintClass()
    {
        var options = new GatewayOptions();
        foreach (var error in PresenceCloseCodes.All)
        {
            Assert.Equal(error.Retry == RetryClass.AfterHint, RetryHints.For(error, options) is not null);
            Assert.Equal(error.Retry == RetryClass.AfterHint, RetryHints.IsRetryable(error));
        }
    }

    [Fact]
    public void Statuses_TheEnumsWireNames_AreEveryCopys()
    {
        var gateway = WireNames<PresenceStatus>.All;
        Assert.Equal(["offline", "available", "busy", "on_call", "away", "dnd"], gateway);
        var client = Client();

        Assert.Equal(gateway.Order(), Doc.Root["components"]!["schemas"]!["status"]!["enum"]!.AsArray().Select(s => (string)s!).Order());
        Assert.Equal(gateway.Order(), client["statuses"]!.AsArray().Select(s => (string)s!).Order());
        Assert.Equal(gateway.Order(), client["sessionStatuses"]!.AsArray().Select(s => (string)s!).Order());
        var rules = ProtocolMd[ProtocolMd.IndexOf("## Presence rules", StringComparison.Ordinal)..];
        var documented = StatusRowPattern().Matches(rules[..rules.IndexOf("\n- ", StringComparison.Ordinal)]).Select(m => m.Groups[1].Value);
        Assert.Equal(gateway.Order(), documented.Order());

        // The same attribute names them for System.Text.Json, both ways.
        var json = new JsonSerializerOptions { Converters = { new JsonStringEnumConverter() } };
        Assert.Equal("\"on_call\"", JsonSerializer.Serialize(PresenceStatus.OnCall, json));
        Assert.Equal(PresenceStatus.Dnd, JsonSerializer.Deserialize<PresenceStatus>("\"dnd\"", json));
        Assert.True(PresenceStatusNames.TryParse("on_call", out var onCall) && onCall == PresenceStatus.OnCall);
        Assert.False(PresenceStatusNames.TryParse("On_Call", out _));
    }

    [Fact]
    public void Sources_TheEnumsWireNames_AreEveryCopys()
    {
        // None is sent as null ("source": null for a new user).
        var gateway = WireNames<PresenceSource>.All.Where(s => s != "none").Order().ToList();
        var schema = Doc.Root["components"]!["schemas"]!["userPresence"]!["properties"]!["source"]!["enum"]!.AsArray();
        Assert.Equal(gateway, schema.Where(s => s is not null).Select(s => (string)s!).Order());
        Assert.Contains(schema, s => s is null);
        Assert.Equal(gateway, Client()["sources"]!.AsArray().Select(s => (string)s!).Order());
        Assert.Equal("session", PresenceSource.Session.ToWire());
    }

    // | 4001 | `INVALID_ORG_ID` | sent when | socket | retry |
    [GeneratedRegex(@"^\| (?<code>\d{4}) \| `(?<message>[A-Z_]+)` \|[^|]*\|(?<socket>[^|]*)\|(?<retry>[^|]*)\|", RegexOptions.Multiline)]
    private static partial Regex RowPattern();

    [GeneratedRegex(@"^\| `([a-z_]+)` \|", RegexOptions.Multiline)]
    private static partial Regex StatusRowPattern();
}
