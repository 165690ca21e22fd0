using FreedomCti.Bench;
using FreedomCti.Bench.Load;
using FreedomCti.Bench.Peer;

// The presence benchmark. Modes:
//   run [options]        orchestrate: start the systems, connect subscribers, drive writes, report (BenchOptions.cs)
//   subscribers ...      a child process holding a share of the subscribers (Load/SubscriberProcess.cs)
//   peer --port P        the bare Kestrel broadcast peer (Peer/BroadcastPeer.cs)
//   redis-peer --port P --redis R --signing-key K   the presence service over Redis (Peer/RedisPresencePeer.cs)
var mode = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "run";
var options = BenchOptions.ParsePairs(args.SkipWhile(a => !a.StartsWith("--", StringComparison.Ordinal)));
return mode switch
{
    "subscribers" => await SubscriberProcess.RunChildAsync(SubscriberProcessSpec.Parse(options)),
    "peer" => await BroadcastPeer.RunAsync(int.Parse(options["port"])),
    "redis-peer" => await RedisPresencePeer.RunAsync(int.Parse(options["port"]), int.Parse(options["redis"]), options["signing-key"]),
    "run" => await BenchRunner.RunAsync(BenchOptions.From(options), Console.WriteLine),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: FreedomCti.Bench [run] [--scenarios fanout,writes,writes-fanout,groupsize,storm,stalled,cluster,multiplex] [--sizes 5000,19500] [--repeats 3] [--mux-agents 4000] [--mux-supervisors 200] [--smoke] [--report PATH]");
    return 2;
}
