using FreedomCti.Presence.Hosting;
using Microsoft.Extensions.Options;

namespace FreedomCti.Presence.Gateway.Api;

/// <summary>Checks the "Api" section at start.</summary>
public sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiOptions o) => new OptionRules(ApiOptions.Section)
        .Positive(o.WriteTimeout)
        // Past a minute a client gives up first, and the bound stops meaning anything against the grid's response timeout.
        .Require(o.WriteTimeout <= TimeSpan.FromMinutes(1), $"Api:WriteTimeout ({o.WriteTimeout}) must be at most a minute.")
        .AtLeast(o.RetryAfterSeconds, 0)
        .Result;
}
