using KvmLab.Scenarios;

namespace KvmLab.Sweeps.Tests;

public sealed class SweepRunnerTests : IDisposable
{
    private readonly SweepFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void Run_WritesOneRowPerPointWithHashSeedVersionParametersAndMetrics()
    {
        SweepSpec s = _f.Load();
        SweepOutcome r = SweepRunner.Run(s, _f.Out("a"), jobs: 2, Shard.All);
        Assert.True(r.Complete);
        Assert.Equal(12, r.Ran);
        CsvTable t = CsvTable.Read(r.CsvPath);
        Assert.Equal(12, t.Rows.Count);
        foreach (string c in new[] { "point_id", "scenario_hash", "seed", "version", "features", "machine.pcpus", "cycles_per_ipi", "exits_per_s.total" })
        {
            Assert.Contains(c, t.Header);
        }

        Assert.Single(t.Header, h => h == "seed"); // a 'seed' axis is the seed column
        Assert.Equal(ScenarioRunner.Version, t.Rows[0][t.Column("version", "")]);
        Assert.Equal("fastpath", t.Rows[0][t.Column("features", "")]);
        Assert.Equal(SweepExpander.Expand(s).Select(p => p.Id), t.Rows.Select(x => x[0]));
    }

    [Fact]
    public void Rows_DoNotDependOnTheNumberOfJobs()
    {
        SweepSpec s = _f.Load();
        string one = File.ReadAllText(SweepRunner.Run(s, _f.Out("j1"), 1, Shard.All).CsvPath);
        string two = File.ReadAllText(SweepRunner.Run(s, _f.Out("j2"), 2, Shard.All).CsvPath);
        Assert.Equal(one, two);
    }

    [Fact]
    public void Interrupted_ThenRestarted_RunsEveryPointExactlyOnce()
    {
        SweepSpec s = _f.Load();
        string dir = _f.Out("resume");
        using var cts = new CancellationTokenSource();
        SweepOutcome first = SweepRunner.Run(s, dir, 2, Shard.All, (done, _) =>
        {
            if (done == 5)
            {
                cts.Cancel();
            }
        }, cts.Token);
        Assert.False(first.Complete);
        Assert.InRange(first.Ran, 5, 6); // the point in flight on the other worker finishes and is kept

        SweepOutcome second = SweepRunner.Run(s, dir, 2, Shard.All);
        Assert.True(second.Complete);
        Assert.Equal(first.Ran, second.AlreadyDone);
        Assert.Equal(12, first.Ran + second.Ran);

        string[] journal = File.ReadAllLines(second.JournalPath);
        Assert.Equal(12, journal.Length);
        var ids = journal.Select(l => ResultJournal.TryParse(System.Text.Encoding.UTF8.GetBytes(l))!.PointId).ToList();
        Assert.Equal(12, ids.Distinct().Count());
        Assert.Equal(File.ReadAllText(SweepRunner.Run(s, _f.Out("clean"), 2, Shard.All).CsvPath), File.ReadAllText(second.CsvPath));

        SweepOutcome third = SweepRunner.Run(s, dir, 2, Shard.All);
        Assert.Equal(0, third.Ran);
        Assert.Equal(12, File.ReadAllLines(third.JournalPath).Length);
    }

    [Fact]
    public void TornLastLine_IsCutOffAndThatPointRunsAgain()
    {
        SweepSpec s = _f.Load();
        string dir = _f.Out("torn");
        SweepOutcome full = SweepRunner.Run(s, dir, 2, Shard.All);
        string expected = File.ReadAllText(full.CsvPath);
        string[] lines = File.ReadAllLines(full.JournalPath);
        // As if killed while writing the 8th line: 7 whole lines and half of the next.
        File.WriteAllText(full.JournalPath, string.Join("\n", lines.Take(7)) + "\n" + lines[7][..(lines[7].Length / 2)]);

        SweepOutcome resumed = SweepRunner.Run(s, dir, 2, Shard.All);
        Assert.True(resumed.RepairedTornLine);
        Assert.Equal(7, resumed.AlreadyDone);
        Assert.Equal(5, resumed.Ran);
        Assert.Equal(12, File.ReadAllLines(resumed.JournalPath).Length);
        Assert.Equal(expected, File.ReadAllText(resumed.CsvPath));
    }

    [Fact]
    public void DamagedMiddleLine_IsAnErrorNotASilentLoss()
    {
        SweepSpec s = _f.Load();
        string dir = _f.Out("damaged");
        SweepOutcome full = SweepRunner.Run(s, dir, 2, Shard.All);
        string[] lines = File.ReadAllLines(full.JournalPath);
        lines[3] = "{garbage";
        File.WriteAllText(full.JournalPath, string.Join("\n", lines) + "\n");
        var e = Assert.Throws<ScenarioException>(() => SweepRunner.Run(s, dir, 2, Shard.All));
        Assert.Contains("points.jsonl:4: journal: a damaged line", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ChangedSweep_RefusesToMixIntoTheOldJournal()
    {
        string dir = _f.Out("changed");
        SweepRunner.Run(_f.Load("scenario: base.yaml\ngrid:\n  seed: [1, 2]\n"), dir, 1, Shard.All);
        var e = Assert.Throws<ScenarioException>(() => SweepRunner.Run(_f.Load("scenario: base.yaml\ngrid:\n  seed: [5]\n"), dir, 1, Shard.All));
        Assert.Contains("use a new --out directory", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JournalHeldByAnotherSweep_IsOneLineSayingSo()
    {
        string dir = _f.Out("held");
        SweepRunner.Run(_f.Load("scenario: base.yaml\ngrid:\n  seed: [1]\n"), dir, 1, Shard.All);
        using ResultJournal other = ResultJournal.Open(SweepRunner.JournalPath(dir, Shard.All));
        var e = Assert.Throws<ScenarioException>(() => SweepRunner.Run(_f.Load("scenario: base.yaml\ngrid:\n  seed: [1]\n"), dir, 1, Shard.All));
        Assert.Contains("points.jsonl: in use by another kvmlab process", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AbandonedSweep_JournalsNothingMoreAndItsTableMatchesTheJournal()
    {
        string dir = _f.Out("abandoned");
        using var stop = new CancellationTokenSource();
        using var abandon = new CancellationTokenSource();
        SweepOutcome first = SweepRunner.Run(_f.Load(), dir, 2, Shard.All, (done, _) =>
        {
            if (done == 3)
            {
                stop.Cancel();
                abandon.Cancel();
            }
        }, stop.Token, abandon.Token);
        Assert.False(first.Complete);
        string[] journal = File.ReadAllLines(first.JournalPath);
        Thread.Sleep(300); // a point still running on the pool finishes now; the sealed journal drops it
        Assert.Equal(journal, File.ReadAllLines(first.JournalPath));
        Assert.Equal(journal.Length + 1, File.ReadAllLines(first.CsvPath).Length);
        SweepOutcome resumed = SweepRunner.Run(_f.Load(), dir, 2, Shard.All);
        Assert.True(resumed.Complete);
        Assert.Equal(File.ReadAllText(SweepRunner.Run(_f.Load(), _f.Out("abandoned-clean"), 2, Shard.All).CsvPath), File.ReadAllText(resumed.CsvPath));
    }

    [Fact]
    public void ShardsMerged_EqualTheUnshardedSweep()
    {
        SweepSpec s = _f.Load();
        string whole = File.ReadAllText(SweepRunner.Run(s, _f.Out("whole"), 2, Shard.All).CsvPath);
        const int N = 3;
        var dirs = new List<string>();
        for (int i = 0; i < N; i++)
        {
            // Separate directories, as on separate cluster nodes.
            string d = _f.Out($"node{i}");
            SweepOutcome o = SweepRunner.Run(s, d, 1, new Shard(i, N));
            Assert.Equal(4, o.Points);
            Assert.EndsWith($"results-shard-{i}-of-3.csv", o.CsvPath, StringComparison.Ordinal);
            dirs.Add(d);
        }

        string merged = _f.Out("merged.csv");
        ResultsCsv.Write(merged, SweepMerger.Merge(dirs));
        Assert.Equal(whole, File.ReadAllText(merged));

        // Overlapping inputs (a shard given twice, the whole table too) are deduplicated.
        ResultsCsv.Write(merged, SweepMerger.Merge([.. dirs, dirs[0], _f.Out("whole")]));
        Assert.Equal(whole, File.ReadAllText(merged));
    }
}
