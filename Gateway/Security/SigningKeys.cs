using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace FreedomCti.Presence.Gateway.Security;

/// <summary>The HS256 key: the configured one, or a random one made for this run when nothing is configured.</summary>
public sealed class SigningKeys
{
    public const int MinimumKeyBytes = 32;

    /// <param name="demo">True in the demo run (Demo:Seed): only then may a missing key source be replaced by a random one.</param>
    public SigningKeys(AuthOptions options, bool demo)
    {
        if (!string.IsNullOrEmpty(options.SigningKey) && !string.IsNullOrEmpty(options.Authority))
        {
            throw new InvalidOperationException("Set either Auth:SigningKey or Auth:Authority, not both: a gateway trusts one key source.");
        }
        if (!string.IsNullOrEmpty(options.SigningKey))
        {
            var bytes = Encoding.UTF8.GetBytes(options.SigningKey);
            if (bytes.Length < MinimumKeyBytes)
            {
                throw new InvalidOperationException($"Auth:SigningKey must be at least {MinimumKeyBytes} bytes; a short HMAC key can be brute-forced.");
            }
            Key = new SymmetricSecurityKey(bytes);
        }
        else if (string.IsNullOrEmpty(options.Authority))
        {
            if (!demo)
            {
                throw new InvalidOperationException(
                    "No token key source is configured: set Auth:SigningKey or Auth:Authority. " +
                    "Only the demo run (Demo:Seed=true) makes a random development key.");
            }
            Key = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(48));
            IsDevelopmentKey = true;
        }
    }

    /// <summary>Null when keys come from an OpenID Connect authority.</summary>
    public SymmetricSecurityKey? Key { get; }

    /// <summary>True when no key source was configured and this run made its own; the dev tokens are printed.</summary>
    public bool IsDevelopmentKey { get; }
}
