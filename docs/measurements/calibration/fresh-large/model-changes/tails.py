import sys, statistics as st
for f in sys.argv[1:]:
    rows=[l.rstrip('\n').split('\t') for l in open(f)]
    data=[[float(x) for x in r[1:]] for r in rows[1:]]
    N=len(data); M=len(data[0])
    for W in (3,5):
        avg=[sum(r)/M for r in data]
        res=[avg[i]-st.mean([avg[k] for k in range(max(0,i-W),min(N,i+W+1)) if k!=i]) for i in range(N)]
        mu=st.mean(res); v=st.pvariance(res)
        k=sum((x-mu)**4 for x in res)/N/v/v-3
        mx=max(res); z=(mx-mu)/v**.5
        # where is the best row's residual
        b=max(range(N),key=lambda i:avg[i])
        print(f"{f.split('/')[-1]:32s} W{W} N{N} excess kurtosis {k:+.2f}; max resid z {z:.2f}; best row's resid z {(res[b]-mu)/v**.5:+.2f}")
