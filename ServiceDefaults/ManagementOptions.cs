namespace FreedomCti.Presence.ServiceDefaults;

/// <summary>
/// Where health and metrics are served, bound from the "Management" configuration section. Set, they answer only on
/// these addresses and nothing else does; the Kubernetes Service and the ingress publish only the public Urls, while
/// the kubelet's probes and Prometheus reach the pod's management port directly.
/// </summary>
public sealed class ManagementOptions
{
    public const string Section = "Management";

    /// <summary>
    /// Addresses like <c>Urls</c> (<c>http://localhost:8090</c>, <c>http://+:8090</c>; several separated by ';'), each with
    /// its own fixed port. Unset, health and metrics share the public addresses: right for the silo, whose only HTTP
    /// listener serves nothing else.
    /// </summary>
    public string? Urls { get; set; }
}
