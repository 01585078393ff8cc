using System.Diagnostics;
using System.Globalization;
using KvmLab.Bench;

long[] inc = HoldModel.Increments(42);
const long Events = 5_000_000;
var results = new List<(int Pending, double Engine, double Baseline)>();
foreach (int pending in new[] { 1, 1000 })
{
    double Best(Func<long> run)
    {
        double best = 0;
        for (int r = 0; r < 5; r++)
        {
            var sw = Stopwatch.StartNew();
            run();
            best = Math.Max(best, Events / sw.Elapsed.TotalSeconds);
        }

        return best;
    }

    double e = Best(() => HoldModel.RunEngine(pending, Events, inc));
    double b = Best(() => HoldModel.RunPriorityQueue(pending, Events, inc));
    results.Add((pending, e, b));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"hold pending={pending}: engine {e / 1e6:F2} M ev/s, PriorityQueue {b / 1e6:F2} M ev/s, ratio {e / b:F2}"));
}
