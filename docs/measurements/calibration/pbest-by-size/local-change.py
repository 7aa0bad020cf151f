import collections, math, sys
rows=[l.rstrip('\n').split('\t') for l in open(sys.argv[1])]
M={'c121':20,'c41':71,'c61':36,'syn':15,'syn100':30,'t121':71,'syn30':10}
bydec=collections.defaultdict(list)
for r in rows: bydec[r[0]].append(r)
def gb(d):
    p=d.split('-'); return p[0]+'-'+p[-1].split('.')[0]
def evaluate(k, a, base):
    res=collections.defaultdict(lambda:[0,0,0,0,0,0])
    for d,rs in bydec.items():
        pre=d.split('-')[0]; m=M.get(pre,8)
        rs=sorted(rs,key=lambda r:float(r[13]))
        mu=[float(r[10] if base=='rep' else r[9]) for r in rs]
        n=len(rs)
        for idx,r in enumerate(rs):
            if int(r[15])==0: continue
            left=abs(mu[idx]-mu[idx-1]) if idx>0 else None
            right=abs(mu[idx+1]-mu[idx]) if idx<n-1 else None
            ds=[x for x in (left,right) if x is not None]; delta=sum(ds)/len(ds)
            if base=='rep': var=a*float(r[11])**2
            else: var=a*float(r[7])**2*float(r[12])
            var+=k*delta*delta
            ok=abs(float(r[3])-mu[idx])<=1.96*math.sqrt(var)
            g=res[gb(d)]; g[0]+=ok; g[1]+=1
            if r[14]=='1': g[2]+=ok; g[3]+=1
            if int(r[2])<=0.2*m: g[4]+=ok; g[5]+=1
    A=[v[0]/v[1] for v in res.values()]; T=[v[2]/v[3] for v in res.values() if v[3]]; F=[v[4]/v[5] for v in res.values() if v[5]]
    py=[v[2]/v[3] for kk,v in res.items() if kk.startswith('py') and v[3]]
    big=[v[0]/v[1] for kk,v in res.items() if not kk.startswith('py')]
    return sum(A)/len(A), sum(T)/len(T), sum(F)/len(F), sum(py)/len(py), min(A), sum(big)/len(big)
for base,a,k in [('rep',1,0),('fit',1,0),('fit',1,0.5),('fit',1,1),('fit',1,2),('fit',2,1),('rep',1,0.5),('rep',0.6,1),('rep',0.5,2),('rep',0.7,1)]:
    r=evaluate(k,a,base)
    print(base,'a=%.1f k=%.1f'%(a,k),'all %.3f top %.3f few %.3f | pythia top %.3f | worst all %.3f | non-pythia all %.3f'%r)
