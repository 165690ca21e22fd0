using System.Net;
using System.Net.Http.Headers;
using FreedomCti.Presence.Cluster.Tests.Infrastructure;

namespace FreedomCti.Presence.Cluster.Tests;

/// <summary>`FreedomCti.Presence.Gateway.dll token …` mints tokens a gateway with the same key accepts, and nothing without a good key.</summary>
public sealed class TokenCommandTests
{
    private const string Group = "/organisation/org-12345/user-group/group-sales-team";
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task MintedToken_IsAcceptedByAGatewayWithThatKey_AndRefusedByOneWithAnother()
    {
        var tokens = new TestTokens();
        await using var gateway = LocalNodes.EmbeddedGateway(Ports.Free(), Ports.Free(), ["--Demo:Seed=true", .. tokens.GatewayArgs]);
        gateway.Start();
        await gateway.WaitReadyAsync(LocalNodes.StartTimeout);

        // The key from the command line, as on the gateway's own.
        var supervisor = await MintAsync(["--org", "org-12345", "--sub", "user-67890", "--role", "supervisor", "--ttl", "10m", .. tokens.GatewayArgs]);
        await Poll.UntilAsync(async () => await GetAsync(gateway, supervisor) == HttpStatusCode.OK, TimeSpan.FromSeconds(30),
            "the demo group to answer the minted supervisor token");

        // The key from the environment, as a deployment passes it (Auth__SigningKey from a secret).
        var environment = new Dictionary<string, string>
        {
            ["Auth__SigningKey"] = tokens.SigningKey, ["Auth__Issuer"] = TestTokens.Issuer, ["Auth__Audience"] = TestTokens.Audience,
        };
        var fromEnvironment = await MintAsync(["--org", "org-12345", "--sub", "user-67890", "--role", "supervisor"], environment);
        Assert.Equal(HttpStatusCode.OK, await GetAsync(gateway, fromEnvironment));

        // Without a role, user-67890 (not a member) may not read the group; another key, issuer or organisation is refused.
        Assert.Equal(HttpStatusCode.Forbidden, await GetAsync(gateway, await MintAsync(["--org", "org-12345", "--sub", "user-67890", .. tokens.GatewayArgs])));
        var otherKey = new TestTokens();
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(gateway, await MintAsync(["--org", "org-12345", "--sub", "user-67890", "--role", "supervisor",
            $"--Auth:SigningKey={otherKey.SigningKey}", $"--Auth:Issuer={TestTokens.Issuer}", $"--Auth:Audience={TestTokens.Audience}"])));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(gateway, await MintAsync(["--org", "org-12345", "--sub", "user-67890", "--role", "supervisor",
            $"--Auth:SigningKey={tokens.SigningKey}", "--Auth:Issuer=someone-else", $"--Auth:Audience={TestTokens.Audience}"])));
        Assert.Equal(HttpStatusCode.Forbidden, await GetAsync(gateway, await MintAsync(["--org", "org-other", "--sub", "user-67890", "--role", "supervisor", .. tokens.GatewayArgs])));
    }

    [Theory]
    [InlineData("--Auth:SigningKey=too-short", "Auth:SigningKey must be at least 32 bytes")]
    [InlineData("--Auth:Issuer=freedomcti", "No Auth:SigningKey is configured")]
    [InlineData("--Auth:Authority=https://login.example.com", "Auth:Authority is configured")]
    public async Task WithoutAGoodKey_NoTokenIsPrinted(string setting, string reason)
    {
        var (exitCode, output, error) = await ChildProcess.RunAsync("dotnet",
            [BuiltApps.GatewayDll, "token", "--org", "org-12345", "--sub", "user-1", "--role", "admin", setting]);
        Assert.Equal(1, exitCode);
        Assert.Equal("", output);
        Assert.Contains(reason, error);
    }

    [Fact]
    public async Task BadArguments_AreNamed()
    {
        var (exitCode, _, error) = await ChildProcess.RunAsync("dotnet",
            [BuiltApps.GatewayDll, "token", "--org", "org/12345", "--sub", "user-1", "--role", "boss", "--ttl", "soon", "--Auth:SigningKey=0123456789abcdef0123456789abcdef"]);
        Assert.Equal(1, exitCode);
        Assert.Contains("'org/12345' is not an id", error);
        Assert.Contains("Unknown role 'boss'", error);
        Assert.Contains("--ttl 'soon'", error);
    }

    private static async Task<string> MintAsync(string[] args, IDictionary<string, string>? env = null)
    {
        var (exitCode, output, error) = await ChildProcess.RunAsync("dotnet", [BuiltApps.GatewayDll, "token", .. args], env);
        Assert.True(exitCode == 0, $"token exited with {exitCode}: {error}");
        return output.Trim();
    }

    private static async Task<HttpStatusCode> GetAsync(GridNode gateway, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway.Http, Group));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Http.SendAsync(request);
        return response.StatusCode;
    }
}
