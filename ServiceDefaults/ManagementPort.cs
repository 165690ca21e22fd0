using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FreedomCti.Presence.ServiceDefaults;

/// <summary>
/// Splits one Kestrel between the public addresses and the management addresses (<see cref="ManagementOptions"/>):
/// health and metrics answer only on a management port, everything else only on the public ones. The split is by the
/// port a connection arrived on, never by the Host header, which any client may set.
/// </summary>
public static class ManagementPort
{
    public const string HealthPath = "/health";
    public const string MetricsPath = "/metrics";

    /// <summary>Whether a path belongs on the management port.</summary>
    public static bool IsManagementPath(PathString path) => path.StartsWithSegments(HealthPath) || path.StartsWithSegments(MetricsPath);

    /// <summary>Listens on the management addresses too and fences the two sets of endpoints apart; checks the addresses first.</summary>
    internal static void Configure(WebApplicationBuilder builder, bool required)
    {
        var management = builder.Configuration.GetSection(ManagementOptions.Section).Get<ManagementOptions>()?.Urls;
        if (string.IsNullOrWhiteSpace(management))
        {
            if (required)
            {
                throw new InvalidOperationException(
                    "Management:Urls is not set: this process serves health and metrics only on a management port, never on its public Urls. " +
                    "Set it, e.g. --Management:Urls=http://localhost:8090.");
            }
            return;
        }

        var publicUrls = PublicUrls(builder.Configuration);
        var managementUrls = Split(management);
        var ports = managementUrls.Select(url => Port(url, "Management:Urls")).ToHashSet();
        if (ports.Contains(0))
        {
            throw new InvalidOperationException($"Management:Urls '{management}' needs a fixed port: health and metrics are told apart from the public endpoints by port.");
        }
        var shared = publicUrls.Select(url => Port(url, "Urls")).Where(ports.Contains).ToList();
        if (shared.Count > 0)
        {
            throw new InvalidOperationException($"Management:Urls uses port {shared[0]}, which Urls uses too; give health and metrics a port of their own.");
        }

        builder.WebHost.UseUrls([.. publicUrls, .. managementUrls]);
        builder.Services.AddSingleton<IStartupFilter>(new Fence(ports));
    }

    /// <summary>The public addresses as Kestrel would take them: Urls, else HTTP_PORTS (the container default), else its own default.</summary>
    private static string[] PublicUrls(IConfiguration configuration)
    {
        if (configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } urls) return Split(urls);
        if (configuration[WebHostDefaults.HttpPortsKey] is { Length: > 0 } httpPorts) return [.. Split(httpPorts).Select(p => $"http://*:{p}")];
        return ["http://localhost:5000"];
    }

    private static string[] Split(string urls) => urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static int Port(string url, string setting)
    {
        try
        {
            return BindingAddress.Parse(url).Port;
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"{setting}: '{url}' is not an address like http://localhost:8090.", ex);
        }
    }

    /// <summary>First in the pipeline: a request on the wrong side of the split is 404 before anything else sees it.</summary>
    private sealed class Fence(HashSet<int> managementPorts) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (managementPorts.Contains(context.Connection.LocalPort) != IsManagementPath(context.Request.Path))
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                }
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
