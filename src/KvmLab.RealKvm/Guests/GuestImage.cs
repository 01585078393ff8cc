using KvmLab.RealKvm.Interop;

namespace KvmLab.RealKvm.Guests;

/// <summary>
/// The fixed parts of a 64-bit long-mode guest: identity page tables for 0-4 GiB (2 MiB pages,
/// user-accessible so CPL3 code can ring MMIO doorbells and touch the xAPIC page), a GDT with
/// kernel and user segments and one TSS per vCPU, the IDT, and the segment registers that start
/// a vCPU directly in long mode (no real-mode trampoline: KVM_SET_SREGS loads them).
/// Intel SDM vol. 3A chapters 3-4 (segments, paging) and 6.14 (64-bit IDT).
/// </summary>
public static class GuestImage
{
    private const ulong Present = 1, Writable = 2, User = 4, PageSize = 0x80;

    public static void WritePageTables(GuestMemory m)
    {
        // PML4[0] -> PDPT; PDPT[0..3] -> four page directories of 512 x 2 MiB pages each.
        m.WriteUInt64(new Gpa(GuestLayout.Pml4), GuestLayout.Pdpt | Present | Writable | User);
        for (ulong i = 0; i < 4; i++)
        {
            ulong pd = GuestLayout.PageDirs + (i * 0x1000);
            m.WriteUInt64(new Gpa(GuestLayout.Pdpt + (i * 8)), pd | Present | Writable | User);
            for (ulong j = 0; j < 512; j++)
            {
                ulong frame = ((i * 512) + j) << 21;
                m.WriteUInt64(new Gpa(pd + (j * 8)), frame | Present | Writable | User | PageSize);
            }
        }
    }

    public static void WriteGdtAndTss(GuestMemory m, int vcpus)
    {
        // Flat descriptors: G=1, limit 0xFFFFF; code has L=1 (64-bit); DPL 0 or 3; accessed bit set.
        m.WriteUInt64(new Gpa(GuestLayout.Gdt + 0x00), 0);
        m.WriteUInt64(new Gpa(GuestLayout.Gdt + 0x08), 0x00AF9B000000FFFF); // kernel code, DPL0, L
        m.WriteUInt64(new Gpa(GuestLayout.Gdt + 0x10), 0x00CF93000000FFFF); // kernel data, DPL0
        m.WriteUInt64(new Gpa(GuestLayout.Gdt + 0x18), 0x00CFF3000000FFFF); // user data, DPL3
        m.WriteUInt64(new Gpa(GuestLayout.Gdt + 0x20), 0x00AFFB000000FFFF); // user code, DPL3, L
        for (int v = 0; v < vcpus; v++)
        {
            ulong tss = TssBase(v);
            // 64-bit TSS: RSP0 at offset 4 is the stack an interrupt from CPL3 switches to.
            m.WriteUInt64(new Gpa(tss + 4), GuestLayout.KernelStackTop(v));
            m.WriteUInt32(new Gpa(tss + 0x66), 104); // I/O map base past the limit: no I/O bitmap
            // 16-byte system descriptor: limit 103, base, type 0xB (busy 64-bit TSS), P=1.
            ulong lo = 103 | ((tss & 0xFFFFFF) << 16) | (0xBUL << 40) | (1UL << 47) | ((tss >> 24 & 0xFF) << 56);
            m.WriteUInt64(new Gpa(GuestLayout.Gdt + GuestLayout.TssSelector(v)), lo);
            m.WriteUInt64(new Gpa(GuestLayout.Gdt + GuestLayout.TssSelector(v) + 8), tss >> 32);
        }
    }

    /// <summary>An interrupt gate (type 0xE, DPL0, present) to <paramref name="handler"/> in the kernel code segment.</summary>
    public static void WriteIdtGate(GuestMemory m, int vector, ulong handler)
    {
        ulong lo = (handler & 0xFFFF) | ((ulong)GuestLayout.KernelCode << 16) | (0x8EUL << 40) | ((handler >> 16 & 0xFFFF) << 48);
        m.WriteUInt64(new Gpa(GuestLayout.Idt + ((ulong)vector * 16)), lo);
        m.WriteUInt64(new Gpa(GuestLayout.Idt + ((ulong)vector * 16) + 8), handler >> 32);
    }

    public static ulong TssBase(int vcpu) => GuestLayout.Tss + ((ulong)vcpu * 0x80);

    /// <summary>Special registers for 64-bit mode at CPL0, keeping the vCPU's APIC base (mode set by the caller).</summary>
    public static KvmSregs LongModeSregs(KvmSregs current, int vcpu, int vcpus)
    {
        KvmSregs s = current;
        var code = new KvmSegment { Base = 0, Limit = 0xFFFFFFFF, Selector = GuestLayout.KernelCode, Type = 0xB, Present = 1, Dpl = 0, S = 1, L = 1, G = 1 };
        var data = new KvmSegment { Base = 0, Limit = 0xFFFFFFFF, Selector = GuestLayout.KernelData, Type = 0x3, Present = 1, Dpl = 0, S = 1, Db = 1, G = 1 };
        s.Cs = code;
        s.Ds = s.Es = s.Fs = s.Gs = s.Ss = data;
        s.Tr = new KvmSegment { Base = TssBase(vcpu), Limit = 103, Selector = GuestLayout.TssSelector(vcpu), Type = 0xB, Present = 1, S = 0 };
        s.Ldt = new KvmSegment { Type = 0x2, Present = 1, Unusable = 1 };
        s.Gdt = new KvmDtable { Base = GuestLayout.Gdt, Limit = (ushort)(0x28 + (vcpus * 16) - 1) };
        s.Idt = new KvmDtable { Base = GuestLayout.Idt, Limit = (256 * 16) - 1 };
        s.Cr0 = 0x80050033;  // PG | AM | WP | NE | ET | MP | PE
        s.Cr3 = GuestLayout.Pml4;
        s.Cr4 = 0x620;       // OSXMMEXCPT | OSFXSR | PAE
        s.Efer = 0x500;      // LMA | LME
        return s;
    }
}
