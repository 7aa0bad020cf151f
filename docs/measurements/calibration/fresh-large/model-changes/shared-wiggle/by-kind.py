"""by-kind.py NEW_DIR: each replay in NEW_DIR against the JSON of the same name among the calibration replays of this build
(../../../*.json, ../../*.json, ../../../dataset2/*.json): regret median / worst, true bests, coverage, then P(best)'s bands."""
import json,glob,os,sys
here=os.path.dirname(os.path.abspath(__file__))
cal=os.path.normpath(os.path.join(here,'..','..','..'))
kinds={'calibration':cal,'fresh-large':os.path.join(cal,'fresh-large'),'dataset2':os.path.join(cal,'dataset2')}
new_dir=sys.argv[1]
bands=[(0,.2),(.2,.5),(.5,.9),(.9,1.01)]
def runs(d):
    for r in d['runs']:
        for b in r['budgets']: yield b
def bandstr(bs):
    acc=[[0,0,0] for _ in bands]
    for b in bs:
        p=b['prob_best']; ok=b['regret']==0
        for k,(lo,hi) in enumerate(bands):
            if lo<=p<hi: acc[k][0]+=1; acc[k][1]+=p; acc[k][2]+=ok
    return ", ".join(f"{a[1]/a[0]:.2f}->{a[2]/a[0]:.2f} ({a[0]})" if a[0] else "-" for a in acc)
def brier(bs): return sum((b['prob_best']-(b['regret']==0))**2 for b in bs)/len(bs)
def mean_regret(bs): return 100*sum(b['regret'] for b in bs)/len(bs)
groups={kind:[] for kind in kinds}
lower=higher=0
for f in sorted(glob.glob(new_dir+'/*.json')):
    if os.path.getsize(f)==0: continue
    try: new=json.load(open(f))
    except Exception: continue
    name=os.path.basename(f)
    group=next((kind for kind,d in kinds.items() if os.path.exists(os.path.join(d,name))),None)
    if group is None: print(f"{name}: no baseline of that name"); continue
    base=json.load(open(os.path.join(kinds[group],name)))
    line=f"{name[:-5]:22s}"
    for bb,nb in zip(base['budgets'],new['budgets']):
        for key in ('regret_median','regret_max'):
            if nb[key] < bb[key]-1e-12: lower+=1
            elif nb[key] > bb[key]+1e-12: higher+=1
        line+=f" {bb['evaluations']}: {100*bb['regret_median']:.3f}/{100*bb['regret_max']:.3f} -> {100*nb['regret_median']:.3f}/{100*nb['regret_max']:.3f} best {round(bb['best_found_rate']*10)}->{round(nb['best_found_rate']*10)} cov {100*bb['interval_coverage']:.0f}->{100*nb['interval_coverage']:.0f}% |"
    print(line)
    groups[group].append((base,new))
print('medians and worst: lower', lower, 'higher', higher)
allb=[];alln=[]
for g,pairs in groups.items():
    if not pairs: continue
    bb=[b for base,_ in pairs for b in runs(base)]; nb=[b for _,new in pairs for b in runs(new)]
    allb+=bb; alln+=nb
    print(f"{g} ({len(pairs)} grids): before {bandstr(bb)} Brier {brier(bb):.3f} regret {mean_regret(bb):.3f}%")
    print(f"{' '*len(g)}  with wiggle {bandstr(nb)} Brier {brier(nb):.3f} regret {mean_regret(nb):.3f}%")
if allb:
    print(f"ALL: before {bandstr(allb)} Brier {brier(allb):.3f}; with wiggle {bandstr(alln)} Brier {brier(alln):.3f}")
