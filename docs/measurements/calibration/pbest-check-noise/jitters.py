"""P(best) on the larger grids with the shared checkpoint jitter (shared-jitter.tsv) or the checkpoint jitter spread by B
(checkpoint-jitter.tsv) times f, in the final posterior and the held-out check's model alike (JitterHarness.cs.txt):
stated -> right by band, widened by the check made again, and fitted; the check's bulk and the mean product of two of its
misses at one checkpoint. usage: /usr/bin/python3 jitters.py FILE.tsv"""
import sys, numpy as np
rows=[l.rstrip('\n').split('\t') for f in sys.argv[1:] for l in open(f)]
nf=(len(rows[0])-5)//5
for k in range(nf):
    base=5+5*k
    f=rows[0][base]; ps=np.array([float(r[base+4]) for r in rows]); pf=np.array([float(r[base+3]) for r in rows]); rs=np.array([int(r[3]) for r in rows]); bulk=np.array([float(r[base+1]) for r in rows]); prod=np.array([float(r[base+2]) for r in rows])
    for name,p in (('widened',ps),('fitted',pf)):
        cells=['%.2f→%.2f (%d)'%(p[b].mean(),rs[b].mean(),b.sum()) if b.any() else '-' for lo,hi in [(0,.2),(.2,.5),(.5,.9),(.9,1.01)] for b in [(p>=lo)&(p<hi)]]
        print('f=%s %-8s %s brier %.3f | mean bulk %.2f mean same-ckpt product %.3f'%(f,name,' | '.join(cells),((p-rs)**2).mean(),bulk.mean(),np.nanmean(prod)))
