import sys
rows=[l.rstrip('\n').split('\t') for l in open(sys.argv[1]) if l.strip()]
fresh=lambda r: r[0][0]=='f'
bands=[(0,.2),(.2,.5),(.5,.9),(.9,1.01)]
names=['current','k0=2 blend','k0=3 blend']
for label,sel in (('all',lambda r:True),('old',lambda r: not fresh(r)),('fresh',fresh)):
    x=[r for r in rows if sel(r)]
    print(f"== {label} ({len(x)})")
    for k,nm in enumerate(names):
        vals=[(float(r[11+k]), int(r[5])) for r in x]
        out=[]
        for lo,hi in bands:
            y=[v for v in vals if lo<=v[0]<hi]
            if y: out.append(f"{sum(a for a,_ in y)/len(y):.2f}->{sum(b for _,b in y)/len(y):.2f}({len(y)})")
        brier=sum((a-b)**2 for a,b in vals)/len(vals)
        hi=[v for v in vals if v[0]>=0.95]
        print(f"  {nm:11s} {' '.join(out)}  brier {brier:.3f}  >=0.95: {len(hi)} right {sum(b for _,b in hi)}")
    b2=sorted(float(r[14]) for r in x); b3=sorted(float(r[16]) for r in x)
    print(f"  beta2 quartiles {b2[len(b2)//4]:.2f} {b2[len(b2)//2]:.2f} {b2[3*len(b2)//4]:.2f}; beta3 {b3[len(b3)//4]:.2f} {b3[len(b3)//2]:.2f} {b3[3*len(b3)//4]:.2f}")
