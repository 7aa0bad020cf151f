# Usage: python3 by-grid-budget.py H_OUT.rows ...  (intervals held per grid-budget, all / top / few evaluated, and their mean)
# per grid-budget coverage (all/top/few), mean over grid-budgets; rows: dump, ckpt, cells, top, pick, z, ...
import sys,collections
M={'c121':20,'c41':71,'c61':36,'syn':15}
for f in sys.argv[1:]:
    rows=[l.rstrip('\n').split('\t') for l in open(f)]
    g=collections.defaultdict(lambda:[0,0,0,0,0,0])
    for r in rows:
        name=r[0].split('/')[-1].replace('.tsv','')
        kind,seed,cells=name.split('-')
        m=M.get(kind,8)
        k=(kind,cells); z=abs(float(r[5])); h=1 if z<=1.96 else 0
        a=g[k]; a[0]+=h; a[1]+=1
        if r[3]=='1': a[2]+=h; a[3]+=1
        if int(r[2])<=m/5: a[4]+=h; a[5]+=1
    def mean(i):
        v=[a[i]/a[i+1] for a in g.values() if a[i+1]]; return sum(v)/len(v)
    print(f, f"all {mean(0)*100:.1f} top {mean(2)*100:.1f} few {mean(4)*100:.1f}")
    if '-v' in sys.argv[0:1] or True:
        print('   ', ' '.join(f"{k[0]}{k[1]}:{a[0]/a[1]*100:.0f}/{a[2]/max(a[3],1)*100:.0f}" for k,a in sorted(g.items())))
