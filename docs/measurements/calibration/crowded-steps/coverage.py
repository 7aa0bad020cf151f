import sys, collections
res={}
for f in sys.argv[1:]:
    rows=[l.split('\t') for l in open(f) if l.strip()]
    g=collections.defaultdict(lambda:[0]*6)
    for r in rows:
        p=r[0][:-4].split('-'); key=p[0]+'-'+p[2]
        for k in range(6): g[key][k]+=int(r[2+k])
    res[f]=g
keys=sorted(next(iter(res.values())).keys())
print('grid-budget      '+'   '.join('%-20s'%f.split('/')[-1] for f in sys.argv[1:]))
means=collections.defaultdict(list)
for k in keys:
    line='%-16s'%k
    for f in sys.argv[1:]:
        a=res[f][k]; v=(100*a[0]/a[1],100*a[2]/max(a[3],1),100*a[4]/max(a[5],1)); means[f].append(v)
        line+='   %5.1f/%5.1f/%5.1f   '%v
    print(line)
print('mean over grid-budgets: '+'  '.join('%.1f/%.1f/%.1f'%tuple(sum(x[i] for x in means[f])/len(means[f]) for i in range(3)) for f in sys.argv[1:]))
