import json,sys,glob,os
base=sys.argv[1]; new=sys.argv[2]
bands=[(0,.2),(.2,.5),(.5,.9),(.9,1.01)]
def load(d,g):
    p=os.path.join(d,g+'.json')
    if not os.path.exists(p): return None
    try: return json.load(open(p))
    except Exception: return None
tot={'b':[],'n':[]}
for g in sys.argv[3:]:
    B=load(base,g); N=load(new,g)
    if not B or not N: print(g,'missing'); continue
    for tag,D in (('b',B),('n',N)):
        rs=[]; 
        for r in D['runs']:
            for i,b in enumerate(r['budgets']):
                rs.append((i,b['regret'],b['prob_best'],b['interval_coverage'],b['interval_coverage_top'],b['interval_coverage_few']))
        tot[tag]+= [(g,)+x for x in rs]
        for bi in (0,1):
            x=[q for q in rs if q[0]==bi]; reg=sorted(q[1] for q in x)
            right=sum(q[1]==0 for q in x)
            print(f"{g:18s} {tag} budget{bi}: med {100*reg[len(reg)//2-1]:.3f}/{100*reg[len(reg)//2]:.3f} worst {100*reg[-1]:.3f} right {right}/{len(x)} Pmean {sum(q[2] for q in x)/len(x):.2f} cov {sum(q[3] for q in x)/len(x):.2f} top {sum(q[4] for q in x)/len(x):.2f}")
for tag in 'bn':
    x=tot[tag]
    out=[]
    for lo,hi in bands:
        y=[q for q in x if lo<=q[3]<hi]
        if y: out.append(f"{sum(q[3] for q in y)/len(y):.2f}->{sum(q[2]==0 for q in y)/len(y):.2f} ({len(y)})")
    brier=sum((q[3]-(q[2]==0))**2 for q in x)/max(1,len(x))
    print(tag, ' '.join(out), f"brier {brier:.3f}", f"cov {sum(q[4] for q in x)/len(x):.3f} top {sum(q[5] for q in x)/len(x):.3f} few {sum(q[6] for q in x)/len(x):.3f}")
