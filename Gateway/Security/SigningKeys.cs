using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace FreedomCti.Presence.Gateway.Security;

/// <summary>The HS256 key: the configured one, or a random one made for this run when nothing is configured.</summary>
public sealed class SigningKeys
{
    public const int MinimumKeyBytes = 32;

    public SigningKeys(AuthOptions options)
    {
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
            Key = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(48));
            IsDevelopmentKey = true;
        }
    }

    /// <summary>Null when keys come from an OpenID Connect authority.</summary>
    public SymmetricSecurityKey? Key { get; }

    /// <summary>True when no key source was configured and this run made its own; the dev tokens are printed.</summary>
    public bool IsDevelopmentKey { get; }
}
