import numpy as np, os, glob
def load(path):
    d={'name':os.path.basename(path),'cov':[],'trend':[],'miss':[]}
    for line in open(path):
        k,_,rest=line.partition(' ')
        if k=='n':
            t=line.split(); d.update(n=int(t[1]),m=int(t[3]),pick=int(t[5]),bulk=float(t[7]),tails=float(t[9]))
        elif k in('truth','steps','mean'): d[k]=np.array([float(x) for x in rest.split()])
        elif k=='seen': d[k]=np.array([int(x) for x in rest.split()])
        elif k in ('cov','trend'): d[k].append([float(x) for x in rest.split()])
        elif k.startswith('miss') and k!='miss':
            d.setdefault('misses',{})[int(k[4:])]=np.array([float(x) for x in rest.split()])
        elif k=='miss':
            t=rest.split(); d['miss'].append((float(t[0]),int(t[1]),int(t[2]),int(t[3])))
    d['cov']=np.array(d['cov']); d['trend']=np.array(d['trend'])
    return d
def kind(name):
    p=name.split('-')[0]
    return 'small' if (p.startswith('py') or p in ('c41','syn30')) else 'large'
def pbest(mean,cov,S=4000,seed=0):
    n=len(mean); cov=(cov+cov.T)/2
    w,v=np.linalg.eigh(cov); w=np.clip(w,0,None)
    L=v*np.sqrt(w)
    rng=np.random.default_rng(seed)
    draws=mean[:,None]+L@rng.standard_normal((n,S))
    win=draws.argmax(0)
    return np.bincount(win,minlength=n)/S
DIR='/tmp/pbdump'
def all_dumps():
    return [load(p) for p in sorted(glob.glob(DIR+'/*.tsv'))]
