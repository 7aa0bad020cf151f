import sys, collections
rows=[]
for f in sys.argv[1:]:
    rows+= [l.rstrip('\n').split('\t') for l in open(f) if l.strip()]
def kind(name):
    p=name.split('-')[0]
    if p.startswith('py'): return 'small'
    if p in ('c41','syn30'): return 'small'
    return 'large'
cols={'current':3,'fitted':4,'rho6':5,'rho2':6,'trend':7}
bands=[(0,0.2),(0.2,0.5),(0.5,0.9),(0.9,1.01)]
for grp in ['large','small','all']:
    sel=[r for r in rows if grp=='all' or kind(r[0])==grp]
    print(grp, len(sel), 'right', sum(int(r[2]) for r in sel))
    for name,c in cols.items():
        out=[]
        for lo,hi in bands:
            b=[r for r in sel if lo<=float(r[c])<hi]
            if b: out.append('%.2f→%.2f (%d)'%(sum(float(r[c]) for r in b)/len(b), sum(int(r[2]) for r in b)/len(b), len(b)))
            else: out.append('-')
        brier=sum((float(r[c])-int(r[2]))**2 for r in sel)/len(sel)
        print('  %-8s'%name, ' | '.join(out), ' brier %.3f'%brier)
