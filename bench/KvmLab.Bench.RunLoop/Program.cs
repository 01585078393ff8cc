using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using KvmLab.RealKvm;
using KvmLab.RealKvm.Exits;
using KvmLab.RealKvm.Guests;
using KvmLab.RealKvm.Probes;

// The C# run loop (VcpuRunner + ExitDecoder + the probes' exit handler, as `kvmlab probe` runs it)
// versus a minimal C loop (runloop.c, compiled now with gcc) handling the same userspace exits
// of the same guest: the exit-loop guest storing to an MMIO address without RAM from CPL3.
// Rounds alternate C#, C, C#, C ... each on a fresh VM; the figure per round is wall time per
// exit. Reported: per-side median, the C# overhead in percent, and a Mann-Whitney test.
var inv = CultureInfo.InvariantCulture;
int exitsPerRound = args.Length > 0 ? int.Parse(args[0], inv) : 20_000;
int rounds = args.Length > 1 ? int.Parse(args[1], inv) : 10;

if (Kvm.Unavailable() is string why)
{
    Console.Error.WriteLine($"KvmLab.Bench.RunLoop: cannot use /dev/kvm: {why}");
    return 1;
}

string dir = Path.Combine(Path.GetTempPath(), $"kvmlab-runloop-{Environment.ProcessId}");
Directory.CreateDirectory(dir);
string so = Path.Combine(dir, "librunloop.so");
string src = Path.Combine(AppContext.BaseDirectory, "runloop.c");
using (var gcc = Process.Start(new ProcessStartInfo("gcc", ["-O2", "-shared", "-fPIC", "-o", so, src]) { RedirectStandardError = true })!)
{
    string gccErr = gcc.StandardError.ReadToEnd();
    gcc.WaitForExit();
    if (gcc.ExitCode != 0)
    {
        Console.Error.WriteLine($"KvmLab.Bench.RunLoop: gcc failed: {gccErr}");
        return 1;
    }
}

nint lib = NativeLibrary.Load(so);
try
{
    unsafe
    {
        var cLoop = (delegate* unmanaged<int, void*, ulong, ulong, long*, long>)NativeLibrary.GetExport(lib, "kvmlab_c_runloop");
        using Kvm kvm = Kvm.Open();
        ExitLoopGuest guest = ExitLoopGuest.Build(ExitKind.MmioUser, cpl3: true, baseline: false);
        var csharp = new List<double>();
        var c = new List<double>();

        TinyVm NewVm()
        {
            TinyVm vm = TinyVm.Create(kvm, new TinyVmOptions());
            vm.Load(guest.Code);
            vm.Start(0, guest.Entry, rdi: GuestLayout.SampleBuffer(0), r9: (ulong)exitsPerRound);
            return vm;
        }

        double RunCSharp()
        {
            using TinyVm vm = NewVm();
            var runner = new VcpuRunner(vm.Vcpus[0], "bench");
            Func<VcpuExit, bool> handler = ProbeExits.Handler("bench");
            var sw = Stopwatch.StartNew();
            runner.Run(handler, TimeSpan.FromSeconds(60));
            sw.Stop();
            if (runner.Exits != exitsPerRound + 1)
            {
                throw new InvalidOperationException($"C# loop saw {runner.Exits} exits");
            }

            return sw.Elapsed.TotalNanoseconds / runner.Exits;
        }

        double RunC()
        {
            using TinyVm vm = NewVm();
            VcpuFd v = vm.Vcpus[0];
            long exits = 0;
            var sw = Stopwatch.StartNew();
            // Safe: the vCPU fd and its mmapped kvm_run page stay open until vm is disposed below;
            // the C function only reads the page and writes the local exit count.
            long rc = cLoop(v.Handle, (void*)v.RunPageAddress, GuestLayout.UserMmio, GuestLayout.DoneMmio, &exits);
            sw.Stop();
            if (rc != 0 || exits != exitsPerRound + 1)
            {
                throw new InvalidOperationException($"C loop returned {rc} after {exits} exits");
            }

            return sw.Elapsed.TotalNanoseconds / exits;
        }

        Affinity.PinCurrentThread(0);
        RunCSharp(); // warm-up: JIT and tiering of the C# loop, page faults of both
        RunC();
        for (int r = 0; r < rounds; r++)
        {
            csharp.Add(RunCSharp());
            c.Add(RunC());
        }

        SampleSummary cs = SampleSummary.Of(csharp), cc = SampleSummary.Of(c);
        double overhead = (cs.Median - cc.Median) / cc.Median * 100;
        Comparison cmp = AbTest.Compare("C", c, "C#", csharp);
        Console.WriteLine($"Run loop, userspace MMIO exits from a CPL3 guest: {rounds} rounds x {exitsPerRound} exits per side, alternating, fresh VM per round");
        Console.WriteLine(string.Create(inv, $"  {"loop",-6} {"median",10} {"min",10} {"max",10}  (ns per exit, wall time)"));
        Console.WriteLine(string.Create(inv, $"  {"C#",-6} {cs.Median,10:0} {cs.Min,10:0} {cs.Max,10:0}"));
        Console.WriteLine(string.Create(inv, $"  {"C",-6} {cc.Median,10:0} {cc.Min,10:0} {cc.Max,10:0}"));
        Console.WriteLine(string.Create(inv, $"  C# overhead over C: {overhead:+0.00;-0.00}% of the median (requirement: at most +5%): {(overhead <= 5 ? "met" : "NOT met")}"));
        Console.WriteLine($"  A/B: {cmp.Verdict}");
        Console.WriteLine(string.Create(inv, $"{{\"csharp_ns_per_exit\":{cs.Median:0.0},\"c_ns_per_exit\":{cc.Median:0.0},\"overhead_percent\":{overhead:0.00},\"rounds\":{rounds},\"exits_per_round\":{exitsPerRound}}}"));
        return overhead <= 5 ? 0 : 2;
    }
}
finally
{
    NativeLibrary.Free(lib);
    Directory.Delete(dir, recursive: true);
}
