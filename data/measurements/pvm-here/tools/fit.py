# PVM cost-model preview for docs/PVM.md. Usage: fit.py probe-medians.json microbench-summary.json out.json ['{"D_inj": ns, ...}']
#: probe = sum(count x cost). Instruction-class costs (A, L, S, M, I)
# come from the emulated-CPL0 microbenchmark (pvm-microbench), never from the probes. The free costs are fitted
# by weighted least squares on relative error, non-negative, and each probe is also predicted leave-one-out.
import json, sys, statistics as st
probes = json.load(open(sys.argv[1]))        # probe -> {median_ns}
cls = json.load(open(sys.argv[2]))           # class -> ns (or microbench-summary.json, whose 'median' holds them)
cls = cls.get('median', cls)
A, L, S, M, I = (cls[k] for k in 'ALSMI')
head = 4*S + A + M                   # push x4, mov rsi imm, inc [rsi]: handler up to the acknowledgement
tail_x = A + S + 4*L + I             # xAPIC EOI (mov imm, store to the APIC page), pop x4, iretq
send_x2 = 7*A                        # shl, or, mov r8 | mov ecx, mov eax, mov edx, wrmsr ICR
send_x = 3*A + S                     # shl, or, mov r8 | store to the xAPIC ICR
detect = 0.5*(2*A + L) + 2*A         # half a spin (pause; cmp [m]; je) + lfence; rdtsc
timer_head = 4*S + A                 # the timer handler's push x4 and rdtsc
FREE = ['X_L0', 'X_nat', 'U0', 'U_nat', 'D_inj', 'W_wake', 'K_nat', 'T_L0s', 'T_L0l']
FIXED = json.loads(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[4] else {}   # free costs pinned to a microbenchmark value
TRAIN = sys.argv[5].split(',') if len(sys.argv) > 5 else None   # fit on these probes only, predict the others
FREE = [f for f in FREE if f not in FIXED]
# probe -> (known ns, {free: count})
M_ = {
 'exits/cpuid-cpl0': (A, {}), 'exits/rdmsr-cpl0': (A, {}), 'exits/wrmsr-cpl0': (A, {}),
 'exits/pio-ioeventfd-cpl0': (A, {}), 'exits/mmio-ioeventfd-cpl0': (S - A, {}),
 'exits/pio-user-cpl0': (A, {'U0': 1}), 'exits/mmio-user-cpl0': (S - A, {'U0': 1}),
 'exits/cpuid-cpl3': (0, {'X_L0': 1}), 'exits/mmio-ioeventfd-cpl3': (0, {'X_nat': 1}),
 'exits/mmio-user-cpl3': (0, {'X_nat': 1, 'U0': 1, 'U_nat': 1}),
 'ipi/xapic-mmio-cpl3-spinning': (tail_x + head, {'D_inj': 1}),
 'ipi/xapic-mmio-cpl3-halted': (tail_x + 3*A + head, {'D_inj': 1}),
 'ipi/xapic-mmio-cpl3-halted-split': (tail_x + 3*A + head, {'D_inj': 1}),
 'ipi/x2apic-msr-cpl0-halted': (send_x2 + head + detect, {'W_wake': 1, 'D_inj': 1}),
 'ipi/xapic-mmio-cpl0-halted': (send_x + head + detect, {'W_wake': 1, 'D_inj': 1}),
 'ipi/x2apic-msr-cpl0-spinning': (send_x2 + head + detect, {'K_nat': 1, 'D_inj': 1}),
 'notify/ioeventfd-irqfd-busypoll': (head + tail_x, {'X_nat': 1, 'K_nat': 1, 'D_inj': 1}),
 'notify/ioeventfd-irqfd-blocking': (head + tail_x, {'X_nat': 1, 'W_wake': 1, 'K_nat': 1, 'D_inj': 1}),
 'notify/exit-signal-msi': (head + tail_x, {'X_nat': 1, 'U0': 1, 'U_nat': 1, 'D_inj': 1}),
}
for t in ['deadline-10us', 'deadline-50us', 'halt-poll-0us', 'halt-poll-10us', 'halt-poll-100us', 'halt-poll-1000us', 'halt-poll-default', 'disable-hlt-exits']:
    M_['timer/' + t] = (timer_head, {'T_L0s': 1, 'D_inj': 1})
for t in ['deadline-200us', 'deadline-1000us']:
    M_['timer/' + t] = (timer_head, {'T_L0l': 1, 'D_inj': 1})

def solve(rows):
    # weighted normal equations, weights 1/max(|y|,1us)^2 (relative error); non-negative by clamping and refitting
    active = [f for f in FREE if any(r[2].get(f) for r in rows)]
    while True:
        n = len(active)
        AtA = [[0.0]*n for _ in range(n)]; Atb = [0.0]*n
        for y, known, cnt in rows:
            w = 1.0 / max(abs(y), 1000.0)**2
            x = [cnt.get(f, 0) for f in active]
            for i in range(n):
                Atb[i] += w * x[i] * (y - known)
                for j in range(n): AtA[i][j] += w * x[i] * x[j]
        for i in range(n): AtA[i][i] += 1e-12
        # Gauss-Jordan
        Mx = [AtA[i] + [Atb[i]] for i in range(n)]
        for c in range(n):
            p = max(range(c, n), key=lambda r: abs(Mx[r][c])); Mx[c], Mx[p] = Mx[p], Mx[c]
            for r in range(n):
                if r != c and Mx[c][c] != 0:
                    f = Mx[r][c] / Mx[c][c]
                    Mx[r] = [a - f*b for a, b in zip(Mx[r], Mx[c])]
        sol = {active[i]: (Mx[i][n] / Mx[i][i] if Mx[i][i] else 0.0) for i in range(n)}
        neg = [f for f, v in sol.items() if v < 0]
        if not neg: return sol
        active = [f for f in active if f not in neg]

names = [k for k in M_ if k in probes]
rows = {k: (probes[k]['median_ns'], M_[k][0] + sum(c * FIXED[f] for f, c in M_[k][1].items() if f in FIXED), {f: c for f, c in M_[k][1].items() if f not in FIXED}) for k in names}
terms = {k: '+'.join(M_[k][1]) or '-' for k in names}
full = solve([rows[k] for k in names if TRAIN is None or k in TRAIN])
def pred(k, sol): return rows[k][1] + sum(c * sol.get(f, float('nan')) for f, c in rows[k][2].items())
print('class costs (ns): ' + ', '.join('%s=%.0f' % (k, cls[k]) for k in 'ALSMI'))
cls = {k: cls[k] for k in 'ALSMI'}
print('derived (ns): head=%.0f tail_x=%.0f send_x2=%.0f send_x=%.0f detect=%.0f timer_head=%.0f' % (head, tail_x, send_x2, send_x, detect, timer_head))
print('fitted (us): ' + ', '.join('%s=%.2f' % (f, full.get(f, 0)/1000) for f in FREE) + ('   fixed (us): ' + ', '.join('%s=%.2f' % (f, v/1000) for f, v in FIXED.items()) if FIXED else ''))
res = []
print('%-34s %9s %9s %7s %9s %7s  %s' % ('probe', 'measured', 'fit', 'err', 'LOO', 'LOOerr', 'terms'))
for k in names:
    y = rows[k][0]; p = pred(k, full)
    others = [rows[j] for j in names if j != k]
    sol = solve(others)
    ident = all(any(r[2].get(f) for r in others) for f in rows[k][2])
    sol = {f: sol.get(f, 0.0) for f in FREE}
    lp = pred(k, sol) if ident else None
    e = abs(p - y) / abs(y) * 100; le = abs(lp - y) / abs(y) * 100 if ident else None
    res.append((k, y, p, e, lp, le))
    print('%-34s %9.2f %9.2f %6.0f%% %9s %7s  %s' % (k, y/1000, p/1000, e, '%.2f' % (lp/1000) if ident else 'n/a', '%.0f%%' % le if ident else 'unident.', terms[k]))
fe = [r[3] for r in res]; le = [r[5] for r in res if r[5] is not None]
print('median |error| full fit: %.1f%%   leave-one-out: %.1f%% (over %d identifiable probes; %d probes)' % (st.median(fe), st.median(le), len(le), len(res)))
if TRAIN is not None:
    held = [r for r in res if r[0] not in TRAIN]
    print('trained on %d probes; median |error| of the %d held-out probes: %.1f%% (%.1f%% without the in-kernel CPL0 exit probes)' % (
        len(TRAIN), len(held), st.median([r[3] for r in held]),
        st.median([r[3] for r in held if not (r[0].startswith('exits/') and r[0].endswith('cpl0') and 'user' not in r[0])])))
sub = [r for r in res if not r[0].startswith('exits/') or r[0].endswith('cpl3') or 'user' in r[0]]
print('median |LOO error| without the in-kernel CPL0 exit probes (sub-us differences of two runs): %.1f%%' % st.median([r[5] for r in sub if r[5] is not None]))
json.dump(dict(classes=cls, fitted_ns=full, rows=[dict(probe=r[0], measured_ns=r[1], fit_ns=r[2], err_pct=r[3], loo_ns=r[4], loo_err_pct=r[5]) for r in res]), open(sys.argv[3], 'w'), indent=1)
