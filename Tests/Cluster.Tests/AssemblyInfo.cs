// Every test starts real silo and gateway processes; on a 2-core machine they must not overlap.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
