# Usage: python3 group.py H_OUT.rows  (coverage, median and rms |z| of the intervals by grid kind, top or not, and share evaluated)
import sys,collections,math,statistics as st
rows=[l.rstrip('\n').split('\t') for l in open(sys.argv[1])]
M={'c121':20,'c41':71,'c61':36,'syn':15}
g=collections.defaultdict(list)
for r in rows:
    pre=r[0].split('-')[0]; kind='py' if pre.startswith('py') else pre
    m=M.get(pre,8)
    share=int(r[2])/m
    b='0' if share==0 else ('<=.2' if share<=0.2 else ('<=.5' if share<=.5 else '>.5'))
    g[(kind,'top' if r[3]=='1' else 'rest',b)].append(abs(float(r[5])))
for k in sorted(g):
    z=g[k]
    print(k, len(z), f"cov {sum(1 for x in z if x<=1.96)/len(z):.3f} med {st.median(z):.2f} rms {math.sqrt(sum(x*x for x in z)/len(z)):.2f}")
