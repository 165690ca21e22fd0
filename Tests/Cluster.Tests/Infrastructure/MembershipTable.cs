using Azure.Data.Tables;

namespace FreedomCti.Presence.Cluster.Tests.Infrastructure;

/// <summary>Reads the grid's Orleans membership table in Azurite: which row is a silo's, and when the cluster declared it dead.</summary>
public sealed class MembershipTable(GridCluster grid)
{
    private readonly TableClient _table = new TableServiceClient(grid.StorageConnectionString).GetTableClient("OrleansSiloInstances");

    /// <summary>The row key of the active silo listening on <paramref name="siloPort"/> (a restarted silo has a new row).</summary>
    public async Task<string> ActiveRowAsync(int siloPort)
    {
        string? rowKey = null;
        await Poll.UntilAsync(async () =>
        {
            await foreach (var row in Rows())
            {
                if (Field(row, "Port") == siloPort.ToString() && Field(row, "Status") == "Active") rowKey = row.RowKey;
            }
            return rowKey is not null;
        }, TimeSpan.FromSeconds(30), $"an active membership row for port {siloPort}");
        return rowKey!;
    }

    /// <summary>Waits until the row is marked Dead; returns when that was first seen (polled every 50 ms).</summary>
    public async Task<DateTimeOffset> WaitDeadAsync(string rowKey, TimeSpan timeout)
    {
        await Poll.UntilAsync(async () =>
        {
            await foreach (var row in Rows())
            {
                if (row.RowKey == rowKey) return Field(row, "Status") == "Dead";
            }
            return false;
        }, timeout, $"silo {rowKey} to be declared dead", intervalMs: 50);
        return DateTimeOffset.UtcNow;
    }

    private Azure.AsyncPageable<TableEntity> Rows() => _table.QueryAsync<TableEntity>(e => e.PartitionKey == grid.ClusterId);

    private static string? Field(TableEntity row, string name) => row.TryGetValue(name, out var value) ? value?.ToString() : null;
}
