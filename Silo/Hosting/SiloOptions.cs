using FreedomCti.Presence.Hosting;
using Microsoft.Extensions.Options;

namespace FreedomCti.Presence.Silo.Hosting;

/// <summary>Silo-process settings, bound from the "Silo" configuration section.</summary>
public sealed class SiloOptions
{
    public const string Section = "Silo";

    /// <summary>Graceful-shutdown budget; the pod's terminationGracePeriodSeconds must be longer.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Checks the "Silo" section at start.</summary>
public sealed class SiloOptionsValidator : IValidateOptions<SiloOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloOptions o) =>
        new OptionRules(SiloOptions.Section).Positive(o.ShutdownTimeout).Result;
}
