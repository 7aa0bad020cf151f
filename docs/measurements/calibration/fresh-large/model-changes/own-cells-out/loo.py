import sys
rows=[l.rstrip('\n').split('\t') for l in open(sys.argv[1]) if l.strip()]
fresh=lambda r: r[0][0]=='f'
names=['current','<=3 half','<=3 loo','n/(n+3)','n/(n+1)','<=6 half']
bands=[(0,.2),(.2,.5),(.5,.9),(.9,1.01)]
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
        print(f"  {nm:10s} {' '.join(out)}  brier {brier:.3f}")
