using FreedomCti.Presence.Gateway.Topics;
using Microsoft.Extensions.Time.Testing;

namespace FreedomCti.Presence.Tests;

/// <summary>The end of a topic's life on a fake clock: an idle topic is released after the linger, unless a subscriber comes back.</summary>
public sealed class TopicLingerTests
{
    private static readonly TimeSpan Linger = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly object _gate = new();
    private readonly FakeTimeProvider _clock = new();
    private int _subscribers;
    private int _letGo;

    private TopicLinger NewLinger() => new(_gate, Linger, _clock, () => _subscribers == 0, () =>
    {
        Interlocked.Increment(ref _letGo);
        return Task.CompletedTask;
    });

    private void Schedule(TopicLinger linger)
    {
        lock (_gate) linger.ScheduleLocked();
    }

    private bool Released(TopicLinger linger)
    {
        lock (_gate) return linger.Released;
    }

    [Fact]
    public async Task AnIdleTopic_IsReleasedOnce_WhenTheLingerRunsOut()
    {
        var linger = NewLinger();
        Schedule(linger);
        _clock.Advance(Linger - TimeSpan.FromMilliseconds(1));
        await Task.Delay(50);
        Assert.False(Released(linger));

        _clock.Advance(TimeSpan.FromMilliseconds(1));

        await Poll.UntilAsync(() => Released(linger) && _letGo == 1, Bound, "the release after the linger");
        Schedule(linger); // released stays released
        _clock.Advance(Linger * 2);
        await Task.Delay(50);
        Assert.Equal(1, _letGo);
    }

    [Fact]
    public async Task ASubscriberComingBack_CancelsTheLinger()
    {
        var linger = NewLinger();
        Schedule(linger);

        lock (_gate)
        {
            linger.CancelLocked();
            _subscribers = 1;
        }
        _clock.Advance(Linger * 2);

        await Task.Delay(100);
        Assert.False(Released(linger));
        Assert.Equal(0, _letGo);
    }

    [Fact]
    public async Task ATopicWithSubscribers_DoesNotLinger()
    {
        _subscribers = 1;
        var linger = NewLinger();
        Schedule(linger);

        _clock.Advance(Linger * 2);

        await Task.Delay(100);
        Assert.False(Released(linger));
    }

    [Fact]
    public async Task ALingerCancelledAndStartedAgain_RunsFromTheNewStart()
    {
        var linger = NewLinger();
        Schedule(linger);
        _clock.Advance(Linger / 2);
        lock (_gate) linger.CancelLocked(); // a client reconnected and left again at once
        Schedule(linger);

        _clock.Advance(Linger / 2); // the first linger's deadline
        await Task.Delay(100);
        Assert.False(Released(linger));

        _clock.Advance(Linger / 2);
        await Poll.UntilAsync(() => Released(linger), Bound, "the release at the second linger's deadline");
        Assert.Equal(1, _letGo);
    }

    [Fact]
    public async Task ALingerThatEndsWithASubscriberPresent_LetsTheNextLingerStart()
    {
        var linger = NewLinger();
        Schedule(linger);
        lock (_gate) _subscribers = 1; // admitted while another subscriber's refusal had started the linger: not cancelled

        _clock.Advance(Linger);
        await Poll.UntilAsync(() => { lock (_gate) return !linger.IsLingering; }, Bound, "the linger to end without a release");
        Assert.False(Released(linger));

        lock (_gate) _subscribers = 0; // that subscriber leaves: the topic must linger again and be released
        Schedule(linger);
        _clock.Advance(Linger);
        await Poll.UntilAsync(() => Released(linger), Bound, "the release after the second linger");
        Assert.Equal(1, _letGo);
    }
}
