using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;

namespace FreedomCti.Presence.Hosting;

/// <summary>
/// Collects the broken rules of one configuration section for an <see cref="IValidateOptions{TOptions}"/>, each message
/// naming the key as an operator sets it ("Gateway:DrainDelay"), so a bad setting stops the start with its name.
/// </summary>
/// <remarks>The key comes from the argument's expression: <c>rules.Positive(o.Membership.ProbeTimeout)</c> is "Cluster:Membership:ProbeTimeout".</remarks>
public sealed class OptionRules(string section)
{
    private readonly List<string> _failures = [];

    /// <summary>The configuration key of a property expression such as <c>o.Membership.ProbeTimeout</c>.</summary>
    public string Key(string expression) =>
        string.Join(':', [section, .. expression.Split('.').Skip(1)]);

    public OptionRules Require(bool ok, string message)
    {
        if (!ok) _failures.Add(message);
        return this;
    }

    public OptionRules Positive(TimeSpan value, [CallerArgumentExpression(nameof(value))] string expression = "") =>
        Require(value > TimeSpan.Zero, $"{Key(expression)} must be longer than zero (is {value}).");

    public OptionRules NotNegative(TimeSpan value, [CallerArgumentExpression(nameof(value))] string expression = "") =>
        Require(value >= TimeSpan.Zero, $"{Key(expression)} must not be negative (is {value}).");

    public OptionRules AtLeast(double value, double minimum, [CallerArgumentExpression(nameof(value))] string expression = "") =>
        Require(value >= minimum, $"{Key(expression)} must be at least {minimum} (is {value}).");

    public OptionRules Port(int value, [CallerArgumentExpression(nameof(value))] string expression = "") =>
        Require(value is >= 1 and <= 65535, $"{Key(expression)} must be a TCP port, 1-65535 (is {value}).");

    public ValidateOptionsResult Result => _failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_failures);
}
