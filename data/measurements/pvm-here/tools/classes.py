# Instruction-class costs (DATA/microbench/<set>/, written by tools/set.sh) of emulated CPL0 and the other microbenchmark-derived costs, per set and the median over sets.
import json, glob, os, statistics as st, sys
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
sets = sorted(d for d in glob.glob(os.path.join(DATA, 'microbench', '*')) if os.path.isdir(d))
def load(f):
    try: return [json.loads(l) for l in open(f) if l.strip()]
    except FileNotFoundError: return []
per = []
for d in sets:
    ops = {(r['op'], r['count']): r['median_ns'] for r in load(d + '/ops.jsonl')}
    if not ops: continue
    u = lambda op: (ops[(op, 64)] - ops[(op, 0)]) / 64
    A = st.mean([u(o) for o in ['nop', 'movreg', 'pause', 'sti', 'cli', 'rdtsc', 'lfence']])
    L = st.mean([u('load'), u('cmpmem')])
    S = st.mean([u('store'), u('xeoi-mmio'), u('mmio-ioeventfd')])
    M = u('incmem')
    I = u('iret') - 3*A - 5*S
    c = dict(A=A, L=L, S=S, M=M, I=I, pushpop=u('pushpop'), cpuid=u('cpuid') - A, rdmsr=u('rdmsr') - A,
             wrmsr_tscdl=u('wrmsr-tscdl') - 3*A, wrmsr_x2eoi=u('x2eoi') - 3*A, out_ioeventfd=u('out-ioeventfd') - A)
    trap = {r['exp']: r['median_ns'] for r in load(d + '/trap.jsonl')}
    ipi = {r['exp']: r['median_ns'] for r in load(d + '/ipi.jsonl')}
    tim = {r['exp']: r['median_ns'] for r in load(d + '/timer.jsonl')}
    pp = {r['exp']: r['median_ns'] for r in load(d + '/pingpong.jsonl')}
    head = 4*S + A + M; tail_x = A + S + 4*L + I
    if trap:
        c['int3_rt'] = trap['trap-int3-pad0']; c['selfipi_rt'] = trap['trap-selfipi-pad0']
        c['handler_int3'] = head + 2*A + 4*L + I
        c['pad_slope_trap'] = (trap['trap-int3-pad16'] - trap['trap-int3-pad0']) / 16
    if ipi:
        c['ipi_cpl0spin_rt'] = ipi['ipi-cpl0-spin-pad0']; c['ipi_cpl3spin_rt'] = ipi['ipi-cpl3-spin-pad0']; c['ipi_cpl0halt_rt'] = ipi['ipi-cpl0-halt-pad0']
        c['pad_slope_ipi'] = (ipi['ipi-cpl3-spin-pad128'] - ipi['ipi-cpl3-spin-pad0']) / 128
    if tim:
        c['timer_spin0_50us'] = tim['timer-spin0-50us']; c['timer_hlt_50us'] = tim['timer-hlt-50us']; c['timer_hlt_1000us'] = tim['timer-hlt-1000us']; c['timer_spin0_1000us'] = tim['timer-spin0-1000us']
    if pp:
        c['futex_rt'] = pp['pingpong-futex']; c['W_wake_futex'] = pp['pingpong-futex'] / 2; c['spin_rt'] = pp['pingpong-spin']
    m = open(d + '/meta').read().split('\n')
    cpu0 = [int(x) for x in m[2].split()[1:]]; cpu1 = [int(x) for x in m[5].split()[1:]] if len(m) > 5 and m[5] else cpu0
    tot = sum(b - a for a, b in zip(cpu0, cpu1)) or 1
    c['steal_pct'] = (cpu1[7] - cpu0[7]) / tot * 100; c['load1'] = float(m[1].split()[0])
    per.append((d.split('/')[-1], c))
keys = list(per[0][1].keys())
out = {}
print('sets:', [p[0] for p in per])
for k in keys:
    v = [c[k] for _, c in per if k in c]
    out[k] = st.median(v)
    print('%-18s median %10.0f   min %10.0f  max %10.0f   %s' % (k, out[k], min(v), max(v), ' '.join('%.0f' % x for x in v)))
json.dump(dict(median=out, per_set=dict(per)), open(os.path.join(DATA, 'microbench-summary.json'), 'w'), indent=1)
