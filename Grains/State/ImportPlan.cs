using System.Collections.Immutable;

namespace FreedomCti.Presence.State;

/// <summary>Where an import job is: the phase, and the position in it (a user, outside member or group index; within a large group, its member offset).</summary>
public sealed record ImportCursor(ImportPhase Phase, int Index = 0, int Offset = 0)
{
    public static readonly ImportCursor Start = new(ImportPhase.Validating);

    /// <summary>Users done at this cursor, of <paramref name="total"/>.</summary>
    public int UsersDone(int total) => Phase switch
    {
        ImportPhase.Validating => 0,
        ImportPhase.Users => Index,
        _ => total,
    };

    /// <summary>Groups fully done at this cursor (a large group in parts counts once its last member joined), of <paramref name="total"/>.</summary>
    public int GroupsDone(int total) => Phase switch
    {
        ImportPhase.Validating or ImportPhase.Users => 0,
        ImportPhase.Groups => Index,
        _ => total,
    };
}

public enum ImportPhase
{
    /// <summary>Members that are not imported users must exist already; nothing is written in this phase.</summary>
    Validating = 0,
    Users = 1,
    Groups = 2,
    Catalogue = 3,
    Done = 4,
}

/// <summary>One bounded piece of an import job, small enough to finish far inside any call timeout.</summary>
public abstract record ImportStep;

/// <summary>Read members named by groups and not imported: [From, From + Count) of <see cref="ImportPlan.Outside"/>.</summary>
public sealed record ValidateStep(int From, int Count) : ImportStep;

/// <summary>Create or update users [From, From + Count).</summary>
public sealed record UsersStep(int From, int Count) : ImportStep;

/// <summary>Define groups [From, From + Count) whole (leaves, define, joins), a few at a time.</summary>
public sealed record GroupsStep(int From, int Count) : ImportStep;

/// <summary>Part of one large group: when <paramref name="Define"/>, its leaves and definition; then joins of members [From, From + Count).</summary>
public sealed record GroupPartStep(int Group, int From, int Count, bool Define) : ImportStep;

/// <summary>Record every imported group in the organisation's catalogue, in one write.</summary>
public sealed record CatalogueStep : ImportStep;

/// <summary>
/// Splits a directory import into bounded steps and says where the job is after each: a pure schedule over the import's
/// shape (counts only), so a job that resumes after a silo died continues from its stored cursor.
/// </summary>
public sealed class ImportPlan
{
    /// <summary>Users created per step (64 calls in flight: about a second on Azure Tables).</summary>
    public const int UsersPerStep = 500;

    /// <summary>Outside members read per step (reads, no writes).</summary>
    public const int ReadsPerStep = 2_000;

    /// <summary>Memberships (user joins) per step; a larger group is done in parts.</summary>
    public const int MembershipsPerStep = 2_000;

    /// <summary>Small groups per step, so that one step stays one short burst.</summary>
    public const int GroupsPerStep = 50;

    private readonly int _outside;
    private readonly int _users;
    private readonly ImmutableArray<int> _groupSizes;

    public ImportPlan(int outside, int users, ImmutableArray<int> groupSizes)
    {
        (_outside, _users, _groupSizes) = (outside, users, groupSizes);
    }

    public static ImportPlan Of(DirectoryImport import) =>
        new(Outside(import).Count, Users(import).Length, [.. Groups(import).Select(g => Members(g).Count)]);

    public int UsersTotal => _users;
    public int GroupsTotal => _groupSizes.Length;
    public int MembershipsTotal => _groupSizes.Sum();

    /// <summary>The step at the cursor; null when the job is done.</summary>
    public ImportStep? StepAt(ImportCursor at) => at.Phase switch
    {
        ImportPhase.Validating when at.Index < _outside => new ValidateStep(at.Index, Math.Min(ReadsPerStep, _outside - at.Index)),
        ImportPhase.Validating => StepAt(new ImportCursor(ImportPhase.Users)),
        ImportPhase.Users when at.Index < _users => new UsersStep(at.Index, Math.Min(UsersPerStep, _users - at.Index)),
        ImportPhase.Users => StepAt(new ImportCursor(ImportPhase.Groups)),
        ImportPhase.Groups when at.Index < _groupSizes.Length => GroupStepAt(at.Index, at.Offset),
        ImportPhase.Groups => new CatalogueStep(),
        ImportPhase.Catalogue => new CatalogueStep(),
        _ => null,
    };

    /// <summary>The cursor once <paramref name="step"/> is done.</summary>
    public ImportCursor After(ImportStep step) => step switch
    {
        ValidateStep v => Normalise(new ImportCursor(ImportPhase.Validating, v.From + v.Count)),
        UsersStep u => Normalise(new ImportCursor(ImportPhase.Users, u.From + u.Count)),
        GroupsStep g => Normalise(new ImportCursor(ImportPhase.Groups, g.From + g.Count)),
        GroupPartStep p when p.From + p.Count >= _groupSizes[p.Group] => Normalise(new ImportCursor(ImportPhase.Groups, p.Group + 1)),
        GroupPartStep p => new ImportCursor(ImportPhase.Groups, p.Group, p.From + p.Count),
        CatalogueStep => new ImportCursor(ImportPhase.Done),
        _ => throw new ArgumentOutOfRangeException(nameof(step)),
    };

    private ImportStep GroupStepAt(int group, int offset)
    {
        var size = _groupSizes[group];
        if (offset > 0 || size > MembershipsPerStep)
        {
            return new GroupPartStep(group, offset, Math.Min(MembershipsPerStep, size - offset), Define: offset == 0);
        }
        var count = 0;
        var memberships = 0;
        while (group + count < _groupSizes.Length && count < GroupsPerStep)
        {
            var next = _groupSizes[group + count];
            if (next > MembershipsPerStep || (count > 0 && memberships + next > MembershipsPerStep)) break;
            memberships += next;
            count++;
        }
        return new GroupsStep(group, count);
    }

    /// <summary>A cursor at the end of a phase moves to the next phase's start, so the stored cursor names real work.</summary>
    private ImportCursor Normalise(ImportCursor at) => at.Phase switch
    {
        ImportPhase.Validating when at.Index >= _outside => Normalise(new ImportCursor(ImportPhase.Users)),
        ImportPhase.Users when at.Index >= _users => Normalise(new ImportCursor(ImportPhase.Groups)),
        ImportPhase.Groups when at.Index >= _groupSizes.Length => new ImportCursor(ImportPhase.Catalogue),
        _ => at,
    };

    /// <summary>Members named by groups and not imported (distinct, first-seen order): they must already be in the directory.</summary>
    public static List<string> Outside(DirectoryImport import)
    {
        var imported = Users(import).Select(u => u.UserId).ToHashSet(StringComparer.Ordinal);
        return Groups(import).SelectMany(Members).Where(id => !imported.Contains(id)).Distinct(StringComparer.Ordinal).ToList();
    }

    public static ImportSummary Summary(DirectoryImport import) =>
        new(Users(import).Select(u => u.UserId).Distinct(StringComparer.Ordinal).Count(), Groups(import).Length, Groups(import).Sum(g => Members(g).Count));

    /// <summary>A group's members without repeats, in the order given.</summary>
    public static List<string> Members(ImportedGroup group) => (group.MemberIds.IsDefault ? [] : group.MemberIds).Distinct(StringComparer.Ordinal).ToList();

    public static ImmutableArray<ImportedUser> Users(DirectoryImport import) => import.Users.IsDefault ? [] : import.Users;

    public static ImmutableArray<ImportedGroup> Groups(DirectoryImport import) => import.Groups.IsDefault ? [] : import.Groups;
}
