using Marketplace.Bench;
using Marketplace.Bench.Generation;
using Marketplace.Bench.Matching;
using Marketplace.Bench.Searching;
using Marketplace.Bench.Soak;

// Benchmark tooling for issues 3 and 4 (run by hand; see bench/run.sh and bench/RESULTS.md).
if (args.Length == 0)
{
    Console.Error.WriteLine("""
        usage: Marketplace.Bench <command> [options]
          generate --count 100000 --data DIR [--parallel 4] [--seed 1] [--keep-outbox]
          rebuild  --data DIR [--batch 1000]
          engine   --data DIR [--mix taxonomy|real|vocab] [--eval DIR] [--words 50000] [--threads 2] [--seconds 20] [--warmup 5] [--queries 2000] [--seed 7] [--out FILE] [--breakdown] [--breakdown-queries 300] [--repeat 3] [--cache 0] [--postings-mb 256] [--kind K] [--index-warm-up]
          queries  --out FILE [--mix taxonomy|real|vocab] [--eval DIR] [--words 50000] [--queries 2000] [--seed 7]
          plans    --data DIR [--mix taxonomy|real|vocab] [--eval DIR] [--queries 2000] [--top 30]
          match    --url http://127.0.0.1:5080 --data DIR [--reps 25] [--feed-events 1500] [--feed-reps 30]
          adminrebuild --url http://127.0.0.1:5080 --data DIR
          soak     --url http://127.0.0.1:5080 --data DIR --pid API_PID [--minutes 10] [--peak-seconds 30] [--workers 16] [--rate R]
          import   --url http://127.0.0.1:5213 --operator-key KEY [--rows 10000] [--bad 50] [--format xlsx|csv] [--pid API_PID] [--seed 1]
        """);
    return 2;
}
var options = new Args(args.Skip(1));
return args[0] switch
{
    "generate" => await GenerateCommand.RunAsync(options),
    "rebuild" => await RebuildCommand.RunAsync(options),
    "engine" => await EngineCommand.RunAsync(options),
    "queries" => await QueriesCommand.RunAsync(options),
    "plans" => await PlansCommand.RunAsync(options),
    "match" => await MatchCommand.RunAsync(options),
    "adminrebuild" => await AdminRebuildCommand.RunAsync(options),
    "soak" => await SoakCommand.RunAsync(options),
    "import" => await Marketplace.Bench.Bulk.ImportCommand.RunAsync(options),
    _ => throw new ArgumentException($"unknown command '{args[0]}'"),
};
