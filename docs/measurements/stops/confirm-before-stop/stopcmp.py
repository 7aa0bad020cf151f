"""stopcmp.py NEW_DIR: each stop replay in NEW_DIR against the JSON of the same name in ../fresh-large, ../dataset2 or ..
(stopped early, on the true best, within 0.1 %, budget saved), and summed."""
import json,sys,glob,os
here=os.path.dirname(os.path.abspath(__file__))
base_dirs=[os.path.join(here,'..',d) for d in ('fresh-large','dataset2','.')]
new_dir=sys.argv[1]
def summ(d, limit=0.001):
    st=right=within=0; saved=0; n=0
    for r in d['runs']:
        for b in r['budgets']:
            n+=1
            saved += 1-b['spent']/b['evaluations']
            if b.get('stopped'):
                st+=1; right+= b['regret']==0; within += b['regret']<=limit+1e-12
    return st,right,within,saved/n,n
tot={'base':[0,0,0,0,0],'new':[0,0,0,0,0]}
for f in sorted(glob.glob(new_dir+'/*.json')):
    name=os.path.basename(f)
    if os.path.getsize(f)==0: continue
    try: new=json.load(open(f))
    except ValueError: continue
    found=next((os.path.join(bd,name) for bd in base_dirs if os.path.exists(os.path.join(bd,name))),None)
    if found is None: print(f"{name}: no baseline of that name"); continue
    base=json.load(open(found))
    a=summ(base); b=summ(new)
    for k,v in (('base',a),('new',b)):
        for i in range(4): tot[k][i]+=v[i]*(v[4] if i==3 else 1)
        tot[k][4]+=v[4]
    print(f"{name:45s} stopped {a[0]:2d}->{b[0]:2d} right {a[1]:2d}->{b[1]:2d} within {a[2]:2d}->{b[2]:2d} saved {100*a[3]:4.1f}->{100*b[3]:4.1f}%")
for k in tot:
    t=tot[k]; print(k,'stopped',t[0],'right',t[1],'(%.0f%%)'%(100*t[1]/max(1,t[0])),'within',t[2],'(%.0f%%)'%(100*t[2]/max(1,t[0])),'saved %.1f%%'%(100*t[3]/t[4]))
