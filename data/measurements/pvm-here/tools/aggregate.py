# Per-probe medians across probe runs (DATA/runs/*.json: probe.json of 'kvmlab probe --out', or a 'kvmlab calibrate' profile): median of run medians, min of medians, spread (max-min)/median.
import json, glob, os, sys, statistics as st
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
runs = []
for f in sorted(glob.glob(os.path.join(DATA, 'runs', '*.json'))):
    try: d = json.load(open(f))
    except Exception: continue
    if 'probes' in d:
        m = {p['suite'] + '/' + p['name']: p['median'] for p in d['probes'] if p['status'] == 'measured'}
    else:
        m = d.get('probe_medians_ns') or {}
    if m: runs.append((f, m))
names = []
for _, m in runs:
    for k in m:
        if k not in names: names.append(k)
out = {}
print('runs:', len(runs), [os.path.basename(r[0]) for r in runs])
print('%-36s %9s %9s %9s %7s   per-run medians (us)' % ('probe', 'median', 'min', 'max', 'spread'))
for k in names:
    v = [m[k] for _, m in runs if k in m]
    med = st.median(v)
    out[k] = dict(median_ns=med, min_ns=min(v), max_ns=max(v), runs=len(v), per_run_ns=v)
    print('%-36s %9.2f %9.2f %9.2f %6.0f%%   %s' % (k, med/1000, min(v)/1000, max(v)/1000, (max(v)-min(v))/abs(med)*100 if med else 0, ' '.join('%.2f' % (x/1000) for x in v)))
json.dump(out, open(os.path.join(DATA, 'probe-medians.json'), 'w'), indent=1)
with open(os.path.join(DATA, 'probe-medians.csv'), 'w') as f:
    f.write('probe,runs,median_ns,min_ns,max_ns,per_run_ns\n')
    for k, v in out.items():
        f.write('%s,%d,%.0f,%.0f,%.0f,%s\n' % (k, v['runs'], v['median_ns'], v['min_ns'], v['max_ns'], ' '.join('%.0f' % x for x in v['per_run_ns'])))
