import struct, sys
d = open('/sys/kernel/btf/vmlinux','rb').read()
magic, ver, flags, hdr_len, type_off, type_len, str_off, str_len = struct.unpack_from('<HBBIIIII', d, 0)
tb = hdr_len + type_off; sb = hdr_len + str_off
def s(o):
    e = d.index(b'\0', sb+o); return d[sb+o:e].decode()
types = [None]; p = tb; end = tb + type_len
while p < end:
    name_off, info, sz = struct.unpack_from('<III', d, p); p += 12
    kind = (info >> 24) & 0x1f; vlen = info & 0xffff; kflag = info >> 31
    t = dict(name=s(name_off), kind=kind, vlen=vlen, sz=sz, kflag=kflag)
    if kind == 1: p += 4
    elif kind == 3: t['arr'] = struct.unpack_from('<III', d, p); p += 12
    elif kind in (4,5):
        m = []
        for i in range(vlen):
            n, ty, off = struct.unpack_from('<III', d, p); p += 12
            m.append((s(n), ty, off))
        t['m'] = m
    elif kind == 6:
        t['e'] = [(s(struct.unpack_from('<I', d, p+8*i)[0]), struct.unpack_from('<i', d, p+8*i+4)[0]) for i in range(vlen)]; p += 8*vlen
    elif kind == 13:
        t['params'] = [struct.unpack_from('<II', d, p+8*i) for i in range(vlen)]; p += 8*vlen
    elif kind == 14: p += 4
    elif kind == 15: p += 12*vlen
    elif kind == 17: p += 4
    elif kind == 19:
        t['e'] = [(s(struct.unpack_from('<I', d, p+12*i)[0]),) for i in range(vlen)]; p += 12*vlen
    types.append(t)
def tname(i, depth=0):
    if i == 0: return 'void'
    t = types[i]; k = t['kind']
    if k in (2,): return tname(t['sz'])+'*'
    if k == 3: return '%s[%d]' % (tname(t['arr'][0]), t['arr'][2])
    if k in (8,9,10,11,18): return ({9:'volatile ',10:'const ',11:'',18:''}.get(k,'')) + (t['name'] if k==8 else tname(t['sz']))
    if k == 4: return 'struct '+t['name']
    if k == 5: return 'union '+t['name']
    if k in (6,19): return 'enum '+t['name']
    if k == 13: return 'fn'
    return t['name']
def dump(name, kinds=(4,5,6,19,12)):
    for i,t in enumerate(types):
        if t and t['name'] == name and t['kind'] in kinds:
            if t['kind'] in (4,5):
                print(('struct ' if t['kind']==4 else 'union ')+name, 'size', t['sz'])
                for n,ty,off in t['m']:
                    bo = off & 0xffffff if t['kflag'] else off
                    bits = (off>>24) if t['kflag'] else 0
                    print('  +%-5d %-40s %s%s' % (bo//8, tname(ty), n, (':%d'%bits) if bits else ''))
            elif t['kind'] in (6,19):
                print('enum', name, t['e'])
            elif t['kind'] == 12:
                fp = types[t['sz']]
                print('func', name, [(s(a), tname(b)) for a,b in fp['params']], '->', tname(fp['sz']))
if __name__ == '__main__':
    if sys.argv[1] == '--grep':
        import re
        r = re.compile(sys.argv[2])
        for t in types:
            if t and t['name'] and r.search(t['name']) and t['kind'] in (4,5,6,19,12): print(t['kind'], t['name'])
    else:
        for n in sys.argv[1:]: dump(n)
