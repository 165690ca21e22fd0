using System.Collections.Immutable;
using FreedomCti.Presence.State;

namespace FreedomCti.Presence.Tests.State;

public class ImportPlanTests
{
    private static List<ImportStep> Walk(ImportPlan plan)
    {
        var steps = new List<ImportStep>();
        var at = ImportCursor.Start;
        while (plan.StepAt(at) is { } step)
        {
            steps.Add(step);
            at = plan.After(step);
            Assert.True(steps.Count < 10_000, "the plan does not end");
        }
        Assert.Equal(ImportPhase.Done, at.Phase);
        return steps;
    }

    [Fact]
    public void Steps_ValidateThenUsersThenGroupsThenCatalogue_EachBounded()
    {
        var plan = new ImportPlan(outside: 2_500, users: 1_200, groupSizes: [10, 5_000, 0, 30, 1_990, 20]);

        var steps = Walk(plan);

        Assert.Equal(
            [
                new ValidateStep(0, 2_000), new ValidateStep(2_000, 500),
                new UsersStep(0, 500), new UsersStep(500, 500), new UsersStep(1_000, 200),
                new GroupsStep(0, 1),
                new GroupPartStep(1, 0, 2_000, Define: true), new GroupPartStep(1, 2_000, 2_000, Define: false), new GroupPartStep(1, 4_000, 1_000, Define: false),
                new GroupsStep(2, 2), new GroupsStep(4, 1), new GroupsStep(5, 1),
                new CatalogueStep(),
            ],
            steps);
    }

    [Fact]
    public void Steps_ManySmallGroups_AtMostFiftyAStep()
    {
        var plan = new ImportPlan(0, 0, [.. Enumerable.Repeat(3, 120)]);

        var groups = Walk(plan).OfType<GroupsStep>().Select(s => s.Count).ToList();

        Assert.Equal([50, 50, 20], groups);
    }

    [Fact]
    public void Progress_AtTheCursor_CountsWhatIsDone()
    {
        var inLargeGroup = new ImportCursor(ImportPhase.Groups, 1, 2_000);

        Assert.Equal(1_200, inLargeGroup.UsersDone(1_200));
        Assert.Equal(1, inLargeGroup.GroupsDone(6));
        Assert.Equal(500, new ImportCursor(ImportPhase.Users, 500).UsersDone(1_200));
        Assert.Equal(0, new ImportCursor(ImportPhase.Users, 500).GroupsDone(6));
        Assert.Equal(6, new ImportCursor(ImportPhase.Done).GroupsDone(6));
    }

    [Fact]
    public void Empty_Import_IsOneCatalogueStep()
    {
        Assert.Equal([new CatalogueStep()], Walk(new ImportPlan(0, 0, [])));
    }

    [Fact]
    public void Outside_MembersNotImported_DistinctInFirstSeenOrder()
    {
        var import = new DirectoryImport(
            [new ImportedUser("a", new UserProfile("A", null, Capabilities.Default))],
            [new ImportedGroup("g1", "G1", ["a", "x", "y"]), new ImportedGroup("g2", "G2", ["y", "z", "a"])]);

        Assert.Equal(["x", "y", "z"], ImportPlan.Outside(import));
        Assert.Equal(new ImportSummary(1, 2, 6), ImportPlan.Summary(import));
    }
}
