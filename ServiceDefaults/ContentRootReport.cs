using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FreedomCti.Presence.ServiceDefaults;

/// <summary>Says at start when the settings file was not found, instead of silently running on defaults.</summary>
internal sealed class ContentRootReport(IHostEnvironment environment, ILogger<ContentRootReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(environment.ContentRootPath, "appsettings.json")))
        {
            ServiceDefaultsLog.NoAppSettings(logger, environment.ContentRootPath);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
