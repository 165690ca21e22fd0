namespace FreedomCti.Presence.Tests;

/// <summary>Tests written before loggedIn and longestIdle compare status counts only; those figures have their own tests.</summary>
internal static class SummaryAssertions
{
    /// <summary>The per-status counts alone (loggedIn and longestIdle cleared).</summary>
    public static GroupSummary StatusCounts(this GroupSummary s) => s with { LoggedIn = 0, LongestIdle = null };
}
