using System.Collections.Immutable;
using FreedomCti.Presence.State;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace FreedomCti.Presence.Persistence;

/// <summary>
/// A group's storage: the row "header" (exists, name, epoch, member layout), the row "queue", and its members in
/// chunk rows "members.{generation}.{index}" (<see cref="ChunkedRows{T}"/>). Each change writes only its pieces.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Queue changes write the queue row only; member presence writes nothing (the users hold the truth).</item>
/// <item>Adding or removing members rewrites the chunks they hash to, in place (each row write is atomic).</item>
/// <item>A definition is all or nothing: within one chunk it is one row write; wider, it is a new layout, announced in
/// the header as pending, written beside the old one, committed by the header write that names it, after which the old
/// rows are deleted. An activation that finds a pending layout deletes its rows; the committed one is intact.</item>
/// <item>A group of the single-row layout (<see cref="GroupRecord"/>, provider <see cref="PresenceStorage.Name"/>) is read
/// once, written as rows, and its old row deleted; an interrupted move repeats on the next activation.</item>
/// </list>
/// </remarks>
internal sealed class GroupStore
{
    private const string HeaderRow = "header", QueueRow = "queue", MembersPrefix = "members", LegacyRow = "state";

    private readonly GrainRows _rows;
    private readonly GrainRows _legacy;
    private readonly ChunkedRows<StoredMember> _members;
    private readonly ILogger _logger;
    private readonly string _orgId, _groupId;
    private GroupHeaderRecord _header = new();
    // Whether a header row exists: a group's first layout is not announced (there is nothing to announce it in; chunks of
    // a first definition that fails before its header is written are left unread).
    private bool _headerStored;

    public GroupStore(IGrainStorage rows, IGrainStorage legacy, GrainId grainId, string orgId, string groupId, ILogger logger)
    {
        _rows = new GrainRows(rows, grainId);
        _legacy = new GrainRows(legacy, grainId);
        // Only membership decides whether a chunk is rewritten: member presence changes all the time and is re-read anyway.
        _members = new ChunkedRows<StoredMember>(_rows, MembersPrefix, m => m.UserId, m => ChunkHash.Of(m.UserId));
        (_orgId, _groupId, _logger) = (orgId, groupId, logger);
    }

    /// <summary>The epoch of the last activation that stored one (0 for a group never stored).</summary>
    public long StoredEpoch => _header.Epoch;

    /// <summary>Reads the group (its Seq is left 0: the grain starts its epoch on top).</summary>
    public async Task<GroupState> LoadAsync(DateTimeOffset now)
    {
        var header = await _rows.ReadAsync<GroupHeaderRecord>(HeaderRow);
        if (header is null)
        {
            return await MoveFromSingleRowAsync(now);
        }
        _header = header;
        _headerStored = true;
        if (header.Pending is { } pending && pending != header.Members)
        {
            // A definition that failed before its commit: nothing reads those rows.
            await DeleteQuietlyAsync(pending);
        }
        if (!header.Exists)
        {
            return GroupState.Empty with { ChangedAt = header.ChangedAt };
        }
        var queue = (await _rows.ReadAsync<GroupQueueRecord>(QueueRow)).ToState();
        var layout = header.Members ?? ChunkLayout.Empty;
        var (members, changedAt, damaged) = await _members.LoadAsync(layout);
        if (damaged.Length > 0)
        {
            _logger.MemberChunksDamaged(_orgId, _groupId, layout.Generation, string.Join(",", damaged));
        }
        return GroupState.Restored(header.Name, members.Select(m => KeyValuePair.Create(m.UserId, m.ToMember())), queue,
            changedAt > header.ChangedAt ? changedAt : header.ChangedAt);
    }

    /// <summary>An activation starts a new epoch (stored before anything is published); members the refresh dropped are written out.</summary>
    public Task SaveActivationAsync(GroupState state, long epoch, DateTimeOffset now) => WriteMembersAsync(state, ChunkWriteMode.InPlace, now, epoch);

    /// <summary>Stores a (re)definition: name and exactly these members, all or nothing.</summary>
    public Task SaveDefinitionAsync(GroupState state, long epoch, DateTimeOffset now) => WriteMembersAsync(state, ChunkWriteMode.Atomic, now, epoch);

    /// <summary>Stores members added or removed, touching only their chunks.</summary>
    public Task SaveMembershipAsync(GroupState state, long epoch, DateTimeOffset now) => WriteMembersAsync(state, ChunkWriteMode.InPlace, now, epoch);

    public Task SaveQueueAsync(QueueState queue) => _rows.WriteAsync(QueueRow, queue.ToRecord());

    /// <summary>Stores the tombstone (the epoch survives, so a re-created group continues above its seqs), then drops the rest.</summary>
    public async Task SaveDeletedAsync(long epoch, DateTimeOffset now)
    {
        var old = _members.Layout;
        await WriteHeaderAsync(new GroupHeaderRecord { Exists = false, Epoch = epoch, ChangedAt = now });
        _members.Reset();
        await DeleteQuietlyAsync(old);
        try
        {
            await _rows.DeleteAsync<GroupQueueRecord>(QueueRow);
        }
        catch (Exception ex)
        {
            _logger.OldRowsNotDeleted(ex, "group", PresenceIds.Key(_orgId, _groupId), 1);
        }
    }

    /// <summary>Writes the member chunks a change needs and the header when it changed; see the type's remarks for the order.</summary>
    /// <param name="announce">Record a new layout as pending first; false only while moving from the single row (no header may exist before the move is done).</param>
    private async Task WriteMembersAsync(GroupState state, ChunkWriteMode mode, DateTimeOffset now, long epoch, bool announce = true)
    {
        var members = state.Members.Values.Select(StoredMember.From).ToList();
        var plan = _members.Plan(members, _members.NextGeneration(now), mode);
        var header = _header.Copy();
        var headerChanged = !header.Exists || header.Name != state.GroupName || header.Epoch != epoch || header.Pending is not null;
        header.Exists = true;
        header.Name = state.GroupName;
        header.Epoch = epoch;
        header.Pending = null;
        if (mode == ChunkWriteMode.Atomic && headerChanged) header.ChangedAt = now;
        if (!plan.Relayout)
        {
            await _members.WriteAsync(plan, members, now);
            if (headerChanged) await WriteHeaderAsync(header);
            return;
        }
        var old = _members.Layout;
        if (announce && _headerStored)
        {
            var announced = _header.Copy();
            announced.Pending = plan.Layout;
            await WriteHeaderAsync(announced);
        }
        await _members.WriteAsync(plan, members, now);
        header.Members = plan.Layout.Count == 0 ? null : plan.Layout;
        header.ChangedAt = now;
        await WriteHeaderAsync(header);
        _members.Commit(plan);
        await DeleteQuietlyAsync(old);
    }

    private async Task<GroupState> MoveFromSingleRowAsync(DateTimeOffset now)
    {
        var record = await _legacy.ReadAsync<GroupRecord>(LegacyRow);
        if (record is null)
        {
            return GroupState.Empty;
        }
        var state = record.ToState();
        _header = new GroupHeaderRecord { Epoch = record.Epoch, ChangedAt = record.ChangedAt };
        if (state.Exists)
        {
            // The header goes last: until it is written, the next activation moves the group again from the old row.
            await SaveQueueAsync(state.Queue);
            await WriteMembersAsync(state, ChunkWriteMode.Atomic, now, record.Epoch, announce: false);
        }
        else
        {
            await WriteHeaderAsync(_header.Copy());
        }
        await _legacy.DeleteAsync<GroupRecord>(LegacyRow);
        _logger.GroupMovedToRows(_orgId, _groupId, state.Members.Count, _members.Layout.Count);
        return state;
    }

    private async Task WriteHeaderAsync(GroupHeaderRecord header)
    {
        await _rows.WriteAsync(HeaderRow, header);
        _header = header;
        _headerStored = true;
    }

    /// <summary>Old or abandoned chunks are garbage: failing to delete them costs storage, never correctness.</summary>
    private async Task DeleteQuietlyAsync(ChunkLayout layout)
    {
        if (layout.Count == 0) return;
        try
        {
            await _members.DeleteAsync(layout);
        }
        catch (Exception ex)
        {
            _logger.OldRowsNotDeleted(ex, "group", PresenceIds.Key(_orgId, _groupId), layout.Count);
        }
    }
}
