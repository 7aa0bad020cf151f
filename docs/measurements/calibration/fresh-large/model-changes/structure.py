import sys, statistics as st
rows=[l.rstrip('\n').split('\t') for l in open(sys.argv[1])]
data=[[float(x) for x in r[1:]] for r in rows[1:]]
N=len(data); M=len(data[0]); W=int(sys.argv[2]) if len(sys.argv)>2 else 10
avg=[sum(r)/M for r in data]
res=[]
for i in range(N):
    nb=[avg[k] for k in range(max(0,i-W),min(N,i+W+1))]
    res.append(avg[i]-sum(nb)/len(nb))
mu=st.mean(res); v=st.pvariance(res)
acf=[sum((res[i]-mu)*(res[i+l]-mu) for i in range(N-l))/(N-l)/v for l in range(1,6)]
print(sys.argv[1].split('/')[-1], 'W',W, 'sd', round(v**.5,5), 'acf', [round(a,2) for a in acf])
# also a per-benchmark cell-level acf averaged
cacf=[0]*5
for j in range(M):
    col=[data[i][j] for i in range(N)]
    r=[col[i]-st.mean(col[max(0,i-W):min(N,i+W+1)]) for i in range(N)]
    m=st.mean(r); vv=st.pvariance(r) or 1
    for l in range(1,6): cacf[l-1]+=sum((r[i]-m)*(r[i+l]-m) for i in range(N-l))/(N-l)/vv/M
print('   cell acf', [round(a,2) for a in cacf])
