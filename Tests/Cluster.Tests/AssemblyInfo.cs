// Every test starts real silo and gateway processes. Two collections run side by side (Infrastructure/Azurite.cs): the
// failover tests and the bulk ones. Most of a cluster test is waiting (membership probes, leases, restarts), so two at
// once fit 2 cores; within a collection, tests run one after another.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerAssembly, MaxParallelThreads = 2)]
