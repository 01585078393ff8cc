# Markdown tables for docs/PVM.md from the aggregated probe medians, the microbenchmark sets and the fits.
import json, os, sys, statistics as st
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
P = json.load(open(os.path.join(DATA, 'probe-medians.json')))
C = json.load(open(os.path.join(DATA, 'microbench-summary.json')))
which = sys.argv[1]
if which == 'probes':
    print('| probe | runs | median of run medians (us) | min of medians | max of medians | spread (max-min)/median |')
    print('|---|---|---|---|---|---|')
    for k, v in P.items():
        sp = (v['max_ns'] - v['min_ns']) / abs(v['median_ns']) * 100 if v['median_ns'] else 0
        print('| `%s` | %d | %.2f | %.2f | %.2f | %.0f%% |' % (k, v['runs'], v['median_ns']/1000, v['min_ns']/1000, v['max_ns']/1000, sp))
elif which == 'classes':
    rows = [('A', 'register-only instruction (mean of NOP, MOV r,r, PAUSE, STI, CLI, RDTSC, LFENCE)'),
            ('L', 'instruction with a memory load (MOV r,[m]; CMP [m],r)'),
            ('S', 'instruction with a memory store (MOV [m],r; store to the xAPIC EOI; store to an ioeventfd)'),
            ('M', 'read-modify-write (INC [m])'), ('I', 'IRETQ to CPL0 (frame unit minus 3 A and 5 S)'),
            ('pushpop', 'PUSH + POP pair'), ('cpuid', 'CPUID leaf 0'), ('rdmsr', 'RDMSR IA32_APIC_BASE'),
            ('wrmsr_tscdl', 'WRMSR IA32_TSC_DEADLINE=0'), ('wrmsr_x2eoi', 'WRMSR x2APIC EOI'), ('out_ioeventfd', 'OUT to an ioeventfd port'),
            ('pad_slope_ipi', 'IPI handler, ns per added NOP (receiver at CPL3)'), ('pad_slope_trap', 'INT3 handler, ns per added NOP'),
            ('int3_rt', 'INT3 round trip from native CPL3, 13-instruction emulated handler'),
            ('selfipi_rt', 'self-IPI round trip from native CPL3 (xAPIC ICR store, handler with EOI)'),
            ('ipi_cpl3spin_rt', 'IPI round trip, CPL3 sender, receiver spinning at CPL3'),
            ('ipi_cpl0halt_rt', 'IPI round trip, CPL3 sender, receiver in HLT at CPL0'),
            ('ipi_cpl0spin_rt', 'IPI round trip, CPL3 sender, receiver spinning at CPL0 (batch-end injection)'),
            ('timer_hlt_50us', 'TSC-deadline lateness, 50 us, HLT at CPL0'), ('timer_hlt_1000us', 'TSC-deadline lateness, 1 ms, HLT at CPL0'),
            ('timer_spin0_50us', 'TSC-deadline lateness, 50 us, spinning at CPL0'), ('timer_spin0_1000us', 'TSC-deadline lateness, 1 ms, spinning at CPL0'),
            ('futex_rt', 'host futex ping-pong between CPU 0 and CPU 1 (two wakeups)'), ('spin_rt', 'host spin ping-pong (two cache-line transfers)'),
            ('steal_pct', 'steal time during the set (% of CPU time, /proc/stat)'), ('load1', 'load average (1 min) at the start')]
    per = C['per_set']
    print('| quantity | what | median over %d sets | min | max |' % len(per))
    print('|---|---|---|---|---|')
    for k, what in rows:
        v = [c[k] for c in per.values() if k in c]
        if not v: continue
        unit = '' if k in ('steal_pct', 'load1') else ' ns'
        f = (lambda x: '%.1f' % x) if k in ('steal_pct', 'load1') else (lambda x: '%.0f' % x)
        print('| %s | %s | %s%s | %s | %s |' % ('`%s`' % k, what, f(st.median(v)), unit, f(min(v)), f(max(v))))
elif which == 'fit':
    F = json.load(open(sys.argv[2]))
    print('| probe | measured (us) | fit (us) | error | leave-one-out (us) | LOO error |')
    print('|---|---|---|---|---|---|')
    for r in F['rows']:
        lo = '%.2f' % (r['loo_ns']/1000) if r['loo_ns'] is not None else 'n/a'
        le = '%.0f%%' % r['loo_err_pct'] if r['loo_err_pct'] is not None else 'not identifiable'
        print('| `%s` | %.2f | %.2f | %.0f%% | %s | %s |' % (r['probe'], r['measured_ns']/1000, r['fit_ns']/1000, r['err_pct'], lo, le))
