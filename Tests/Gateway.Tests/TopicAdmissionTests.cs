using FreedomCti.Presence.Gateway.Topics;

namespace FreedomCti.Presence.Tests;

/// <summary>Who may join a topic and who must leave it, without a cluster: the refusal decision and the members-only bookkeeping.</summary>
public sealed class TopicAdmissionTests
{
    private static readonly HashSet<string> Members = ["ana", "bo"];

    private static bool IsMember(string userId) => Members.Contains(userId);

    private static SubscribeOutcome? Refusal(bool released = false, bool exists = true, bool loaded = true, string? requiredMember = null) =>
        TopicAdmission<string>.Refusal(released, exists, loaded, requiredMember, IsMember);

    [Fact]
    public void ALoadedTopic_AdmitsAnyone_AndAMemberWhenOneIsRequired()
    {
        Assert.Null(Refusal());
        Assert.Null(Refusal(requiredMember: "ana"));
    }

    [Fact]
    public void ANonMember_IsDenied()
    {
        Assert.Equal(SubscribeOutcome.AccessDenied, Refusal(requiredMember: "cy"));
    }

    [Fact]
    public void AMissingTarget_OrOneThatEndedSinceItsLoad_IsNotFound()
    {
        Assert.Equal(SubscribeOutcome.TargetNotFound, Refusal(exists: false));
        Assert.Equal(SubscribeOutcome.TargetNotFound, Refusal(loaded: false, requiredMember: "ana"));
    }

    [Fact]
    public void AReleasedTopic_Fails_SoTheHubRetriesOnAFreshOne()
    {
        Assert.Equal(SubscribeOutcome.Failed, Refusal(released: true, exists: false, requiredMember: "cy"));
    }

    [Fact]
    public void Membership_IsNotAsked_BeforeTheStateIsLoaded()
    {
        var asked = false;
        var refusal = TopicAdmission<string>.Refusal(false, exists: true, loaded: false, "ana", _ => asked = true);

        Assert.Equal(SubscribeOutcome.TargetNotFound, refusal);
        Assert.False(asked);
    }

    [Fact]
    public void OnlyThoseAdmittedAsMembers_AreRevoked_WhenNoLongerMembers()
    {
        var admission = new TopicAdmission<string>();
        admission.Admitted("socket-ana", "ana");
        admission.Admitted("socket-cy", "cy");
        admission.Admitted("socket-supervisor", null); // not admitted as a member: membership never ends it

        var revoked = admission.RevokeFormer(IsMember);

        Assert.Equal([("socket-cy", "cy")], revoked);
        Assert.Equal(1, admission.MembersOnlyCount);
        Assert.Empty(admission.RevokeFormer(IsMember)); // revoked once, not at every later change
    }

    [Fact]
    public void ASubscriberThatLeft_IsNotRevoked()
    {
        var admission = new TopicAdmission<string>();
        admission.Admitted("socket-cy", "cy");

        admission.Left("socket-cy");

        Assert.Empty(admission.RevokeFormer(IsMember));
        Assert.Equal(0, admission.MembersOnlyCount);
    }

    [Fact]
    public void Clear_ForgetsEveryMembersOnlySubscriber()
    {
        var admission = new TopicAdmission<string>();
        admission.Admitted("socket-ana", "ana");
        admission.Admitted("socket-cy", "cy");

        admission.Clear();

        Assert.Equal(0, admission.MembersOnlyCount);
        Assert.Empty(admission.RevokeFormer(_ => false));
    }
}
