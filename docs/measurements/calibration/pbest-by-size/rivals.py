import collections, statistics as st, sys
rows=[l.rstrip('\n').split('\t') for l in open(sys.argv[1])]
M={'c121':20,'c41':71,'c61':36,'syn':15,'syn100':30,'t121':71,'syn30':10}
bydec=collections.defaultdict(list)
for r in rows: bydec[r[0]].append(r)
g=collections.defaultdict(list); pmass=collections.defaultdict(float); ndec=collections.Counter()
for d,rs in bydec.items():
    pre=d.split('-')[0]
    kind='large' if pre in ('c121','c61','syn','syn100','t121') else 'small'
    m=M.get(pre,8)
    rs=sorted(rs,key=lambda r:-float(r[4]))
    ndec[kind]+=1
    for rank,r in enumerate(rs[:12]):
        if r[8]=='1': continue
        seen=int(r[2]); share=seen/m
        if seen==m: continue
        grp='few' if share<=0.2 else 'more'
        z=(float(r[3])-float(r[4]))/float(r[5])
        g[(kind,grp)].append(z); pmass[(kind,grp)]+=float(r[6])
for k in sorted(g):
    v=g[k]; print(k, len(v), 'mean z %.2f median z %.2f truth below %.2f  rms %.2f  P(best) mass/decision %.2f' % (st.mean(v), st.median(v), sum(x<0 for x in v)/len(v), (sum(x*x for x in v)/len(v))**.5, pmass[k]/ndec[k[0]]))
