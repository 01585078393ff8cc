using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;

namespace KvmLab.Model.Kvm.Pvm;

/// <summary>
/// A guest code path as instruction counts by emulation class (docs/PVM.md 4.2): on VMX/SVM, and on
/// PVM at native CPL3, a path costs its native duration; on PVM at CPL0 each instruction goes
/// through KVM's x86 emulator and costs its class's <see cref="PvmCosts"/> field.
/// </summary>
public readonly record struct GuestCode(int Alu, int Load = 0, int Store = 0, int Rmw = 0, int Iret = 0)
{
    public static GuestCode None => default;

    /// <summary>How many instructions the path has (what the emulation batch counts).</summary>
    public int Instructions => Alu + Load + Store + Rmw + Iret;

    /// <summary>The path run instruction by instruction in the emulator (guest ring 0 on a PVM host).</summary>
    public SimSpan Emulated(PvmCosts c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return SimSpan.FromNanoseconds((Alu * c.EmulatedAlu.Ns) + (Load * c.EmulatedLoad.Ns) + (Store * c.EmulatedStore.Ns)
            + (Rmw * c.EmulatedRmw.Ns) + (Iret * c.EmulatedIret.Ns));
    }

    public static GuestCode operator +(GuestCode a, GuestCode b) =>
        new(a.Alu + b.Alu, a.Load + b.Load, a.Store + b.Store, a.Rmw + b.Rmw, a.Iret + b.Iret);

    public static GuestCode operator *(int n, GuestCode a) =>
        new(n * a.Alu, n * a.Load, n * a.Store, n * a.Rmw, n * a.Iret);

    public static GuestCode Add(GuestCode a, GuestCode b) => a + b;

    public static GuestCode Multiply(int n, GuestCode a) => n * a;
}
