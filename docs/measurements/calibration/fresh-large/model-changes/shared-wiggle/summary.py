"""summary.py [readings.tsv]: per grid and pooled, P(best) of each model's pick (dense, unwidened) against the truth.
Columns of readings.tsv: grid, seed, cells, model, pick, pick is the true best (1/0), P(best) of the pick, regret %."""
import sys,collections
rows=[l.rstrip('\n').split('\t') for l in open(sys.argv[1] if len(sys.argv) > 1 else 'readings.tsv')]
by=collections.defaultdict(list)
for g,seed,n,model,pick,ok,p,reg in rows: by[(g,model)].append((int(ok),float(p),float(reg)))
grids=sorted(set(g for g,_ in by))
tot=collections.defaultdict(list)
for g in grids:
    line=g.ljust(22)
    for m in ('standard','wiggle'):
        xs=by.get((g,m),[])
        if not xs: continue
        brier=sum((p-ok)**2 for ok,p,_ in xs)/len(xs)
        line+=f" {m}: n {len(xs)} right {sum(o for o,_,_ in xs)} meanP {sum(p for _,p,_ in xs)/len(xs):.2f} Brier {brier:.3f} regret {sum(r for *_,r in xs)/len(xs):.3f}% |"
        tot[m]+=xs
    print(line)
bands=[(0,.2),(.2,.5),(.5,.9),(.9,1.01)]
for m,xs in tot.items():
    s=[]
    for lo,hi in bands:
        b=[(o,p) for o,p,_ in xs if lo<=p<hi]
        s.append(f"{sum(p for _,p in b)/len(b):.2f}->{sum(o for o,_ in b)/len(b):.2f} ({len(b)})" if b else '-')
    print(m, ', '.join(s), 'Brier %.3f'%(sum((p-o)**2 for o,p,_ in xs)/len(xs)))
