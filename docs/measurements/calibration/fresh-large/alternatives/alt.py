"""The pick's P(best) read from other posteriors of the same final decisions (AltHarness.cs.txt). usage: /usr/bin/python3 alt.py alt-old.tsv alt-fresh.tsv"""
import sys, numpy as np
from collections import defaultdict
names=['current','fitted','fitted×bulk','fitted×tails','coupled×tails','report','report×bulk']
rows=[]
for f in sys.argv[1:]:
    for l in open(f):
        t=l.split('\t'); rows.append((t[0], int(t[1]), int(t[5]), [float(x) for x in t[11:18]]))
def group(name,n):
    p=name.split('-')[0]
    if p.startswith('f'): return 'fresh'
    return 'old-large' if n>=60 else 'old-small'
B=[(0,.2),(.2,.5),(.5,.9),(.9,1.01)]
def show(sel,label):
    print(f'== {label} ({len(sel)})')
    for k,nm in enumerate(names):
        P=np.array([r[3][k] for r in sel]); R=np.array([r[2] for r in sel],float)
        cells=[]; worst=0
        for lo,hi in B:
            b=(P>=lo)&(P<hi)
            if b.any():
                cells.append('%.2f→%.2f (%d)'%(P[b].mean(),R[b].mean(),b.sum()))
                if hi<1: worst=max(worst,abs(P[b].mean()-R[b].mean()))
        top=(P>=.9); topr=R[top].mean() if top.any() else float('nan')
        print('  %-14s %s  brier %.3f  worst lower band %.2f  top right %.2f'%(nm,' | '.join(cells),np.mean((P-R)**2),worst,topr))
groups=defaultdict(list)
for r in rows: groups[group(r[0],r[1])].append(r)
for g in ['old-small','old-large','fresh']:
    if groups[g]: show(groups[g],g)
show([r for r in rows if group(r[0],r[1])!='old-small'],'all large')
show(rows,'all')
real=lambda r: r[0].split('-')[0] in ('c121','c61','t121','f60','f121','f61','ft121')
show([r for r in rows if real(r)],'real-data large (cuts of the shared table)')
show([r for r in rows if r[0].split('-')[0] in ('f60','f121','f61','ft121')],'fresh real-data')
show([r for r in rows if r[0].split('-')[0] in ('syn','syn100','fs80','fs120','syn30')],'synthetic all')
