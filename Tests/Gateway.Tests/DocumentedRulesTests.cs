using System.Reflection;
using System.Text.Json.Nodes;
using FreedomCti.Presence.Gateway.Protocol;
using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

/// <summary>
/// Facts written down more than once stay the same everywhere: the retry class of every close code (the gateway,
/// asyncapi.yaml's table, its prose table and its error schema, protocol.md's table), and the rule that
/// lastConfirmedAt is set exactly while a user is stale (the schema states it, so examples and real frames are held to it).
/// </summary>
public sealed class DocumentedRulesTests
{
    private static readonly AsyncApiDocument Doc = AsyncApiDocument.Load();

    [Fact]
    public void EveryCopyOfTheCloseCodeTable_GivesEachCodeTheSameRetryRule()
    {
        var table = Doc.Root["info"]!["x-close-codes"]!.AsArray().ToDictionary(c => (int)c!["code"]!, c => (string)c!["retry"]!);
        var errors = typeof(PresenceCloseCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (PresenceError)f.GetValue(null)!).ToList();

        // The gateway's own rule: which closes carry a retry hint.
        Assert.Equal(errors.Where(RetryHints.IsRetryable).Select(e => e.Code).Order(), table.Where(r => r.Value == "after-hint").Select(r => r.Key).Order());
        Assert.All(errors, e => Assert.Equal(RetryHints.IsRetryable(e), RetryHints.For(e, new Gateway.GatewayOptions()) is not null));

        // The error schema: retryAfterMs is required on exactly those codes.
        var retryable = Doc.Root["components"]!["schemas"]!["errorCodeRules"]!["allOf"]![0]!["if"]!["properties"]!["code"]!["enum"]!.AsArray().Select(c => (int)c!);
        Assert.Equal(table.Where(r => r.Value == "after-hint").Select(r => r.Key).Order(), retryable.Order());

        var prose = (string)Doc.Root["info"]!["description"]!;
        var protocol = File.ReadAllText(RepositoryFile("docs/protocol.md"));
        foreach (var (code, retry) in table)
        {
            var proseRow = Row(prose, $"| {code} |");
            var protocolRow = Row(protocol, $"| {code} |");
            switch (retry)
            {
                case "after-hint":
                    Assert.Contains("retryAfterMs", proseRow);
                    Assert.DoesNotContain("absent", proseRow); // the schema requires the hint: it is never absent
                    Assert.Contains("**Retry** after `retryAfterMs`", protocolRow);
                    break;
                case "new-token":
                    Assert.Contains("new token", proseRow);
                    Assert.Contains("**New token**", protocolRow);
                    break;
                default:
                    Assert.DoesNotContain("retryAfterMs", proseRow);
                    Assert.DoesNotContain("retryAfterMs", protocolRow);
                    Assert.True(protocolRow.Contains("**Stop**", StringComparison.Ordinal) || protocolRow.Contains("| No", StringComparison.Ordinal), protocolRow);
                    break;
            }
        }
    }

    [Fact]
    public void LastConfirmedAt_IsSetExactlyWhileStale()
    {
        var message = Doc.Messages.Single(m => m.WireName == "presence_update");
        var example = Doc.Root["components"]!["messages"]![message.Key]!["examples"]!.AsArray()
            .Single(e => (string?)e!["name"] == "stale")!["payload"]!.DeepClone().AsObject();
        Assert.Empty(AsyncApiDocument.Validate(message, example));

        var notStale = example.DeepClone().AsObject();
        notStale["data"]!["stale"] = false;
        Assert.NotEmpty(AsyncApiDocument.Validate(message, notStale)); // a timestamp without stale breaks the rule

        var staleWithout = example.DeepClone().AsObject();
        staleWithout["data"]!["lastConfirmedAt"] = null;
        Assert.NotEmpty(AsyncApiDocument.Validate(message, staleWithout));
    }

    private static string Row(string text, string start) =>
        text.Split('\n').Select(l => l.Trim()).SingleOrDefault(l => l.StartsWith(start, StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException($"no table row starting with '{start}'");

    private static string RepositoryFile(string path)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, path))) return Path.Combine(dir.FullName, path);
        }
        throw new FileNotFoundException(path);
    }
}
