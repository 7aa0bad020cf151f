# Usage: python3 loo-local-scale.py H_OUT  (reads H_OUT.rows and H_OUT.loo of a harness run with H_LOO=1)
import sys,collections,math,statistics as st
rows=[l.rstrip('\n').split('\t') for l in open(sys.argv[1] + '.rows')]
loo=collections.defaultdict(list)
for l in open(sys.argv[1] + '.loo'):
    f,c,b,x,z=l.split('\t'); loo[f].append((int(c),float(x),float(z)))
allz=[z for f in loo for _,_,z in loo[f]]
print('LOO mean z2', sum(z*z for z in allz)/len(allz), 'median z2', st.median([z*z for z in allz]))
byf=collections.defaultdict(list)
for r in rows: byf[r[0]].append(r)
def evaluate(h, P, mode, cap=(0.25,4)):
    g=collections.defaultdict(list)
    for f,rs in byf.items():
        L=loo[f]
        sc={}
        for r in rs:
            i=int(r[1])
            w=[math.exp(-((i-c)/h)**2/2) for c,_,_ in L]
            s=(sum(wi*min(z*z,25) for wi,(_,_,z) in zip(w,L))+P)/(sum(w)+P)
            sc[i]=s
        if mode=='norm':
            m=sum(sc.values())/len(sc)
            sc={i:v/m for i,v in sc.items()}
        for r in rs:
            i=int(r[1]); r_=min(max(sc[i],cap[0]),cap[1])
            z=abs(float(r[5]))/math.sqrt(r_)
            pre=r[0].split('-')[0]; n=r[0].split('-')[-1].split('.')[0]
            g[('x','top' if r[3]=='1' else 'rest')].append(z)
            g[(n,'all')].append(z)
            if int(r[2])<=1: g[(n,'few')].append(z)
            if r[3]=='1': g[(n,'top')].append(z)
    return {k:(sum(1 for x in v if x<=1.96)/len(v)) for k,v in g.items()}
base=evaluate(1e9,1e9,'none')
print('base', {k:round(v,3) for k,v in sorted(base.items())})
for h in [1,2,4]:
  for P in [2,5,10]:
    for mode in ['none','norm']:
        r=evaluate(h,P,mode)
        print(h,P,mode,{k:round(v,3) for k,v in sorted(r.items())})
