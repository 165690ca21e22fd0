using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace FreedomCti.Presence.ServiceDefaults;

/// <summary>Where a host of the grid finds its settings: in its own folder, wherever it is started from.</summary>
public static class ContentRoot
{
    /// <summary>
    /// The builder's options with the content root set to the app's own folder (where the build and the publish put
    /// appsettings.json), so `dotnet /opt/presence/FreedomCti.Presence.Gateway.dll` started from any directory reads its
    /// settings. An explicit --contentRoot (or DOTNET_/ASPNETCORE_CONTENTROOT) still wins.
    /// </summary>
    public static WebApplicationOptions AppFolder(string[] args)
    {
        var given = new ConfigurationBuilder()
            .AddEnvironmentVariables("DOTNET_")
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddCommandLine(args)
            .Build()[Microsoft.Extensions.Hosting.HostDefaults.ContentRootKey];
        return new WebApplicationOptions { Args = args, ContentRootPath = string.IsNullOrEmpty(given) ? AppContext.BaseDirectory : null };
    }
}
