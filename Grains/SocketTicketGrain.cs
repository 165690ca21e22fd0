namespace FreedomCti.Presence.Grains;

/// <summary>A single-use socket ticket; see <see cref="ISocketTicketGrain"/>. Deactivates once redeemed or expired.</summary>
public sealed class SocketTicketGrain(TimeProvider time) : Grain, ISocketTicketGrain
{
    private SocketTicket? _ticket;
    private bool _issued;

    public Task<bool> IssueAsync(SocketTicket ticket)
    {
        if (_issued) return Task.FromResult(false);
        _issued = true;
        _ticket = ticket;
        // Nothing else holds the activation: let it go once the ticket can no longer be redeemed.
        var due = ticket.ExpiresAt - time.GetUtcNow();
        this.RegisterGrainTimer(() => { DeactivateOnIdle(); return Task.CompletedTask; },
            due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        return Task.FromResult(true);
    }

    public Task<SocketTicket?> RedeemAsync()
    {
        var ticket = _ticket;
        _ticket = null;
        if (ticket is not null) DeactivateOnIdle();
        // _issued stays true: a redeemed ticket cannot be issued again in this activation.
        return Task.FromResult(ticket);
    }
}
