import sys, statistics as st, random
rows=[l.rstrip('\n').split('\t') for l in open(sys.argv[1])]
data=[[float(x) for x in r[1:]] for r in rows[1:]]
N=len(data); M=len(data[0]); W=4
R=[[0]*M for _ in range(N)]; T=[[0]*M for _ in range(N)]
for j in range(M):
    col=[data[i][j] for i in range(N)]
    for i in range(N):
        nb=[col[k] for k in range(max(0,i-W),min(N,i+W+1)) if k!=i]
        T[i][j]=sum(nb)/len(nb); R[i][j]=col[i]-T[i][j]
def cov(X):
    n=len(X); m=len(X[0]); mu=[sum(X[i][j] for i in range(n))/n for j in range(m)]
    return [[sum((X[i][a]-mu[a])*(X[i][b]-mu[b]) for i in range(n))/n for b in range(m)] for a in range(m)]
def topeig(C,it=200):
    m=len(C); v=[1.0]*m
    for _ in range(it):
        w=[sum(C[a][b]*v[b] for b in range(m)) for a in range(m)]
        nr=sum(x*x for x in w)**.5; v=[x/nr for x in w]
    lam=sum(v[a]*sum(C[a][b]*v[b] for b in range(m)) for a in range(m))
    return lam,v
C=cov(R); tr=sum(C[a][a] for a in range(M)); lam,v=topeig(C)
Ct=cov(T); lt,vt=topeig(Ct)
# share of residual variance along the trend's top direction
along=sum(vt[a]*sum(C[a][b]*vt[b] for b in range(M)) for a in range(M))
print(f"{sys.argv[1].split('/')[-1]}: resid top eig share {lam/tr:.3f} (iid expect ~{(1+(M/N)**.5)**2/M:.3f}); resid var along trend dir share {along/tr:.3f}; |cos(resid pc, trend pc)| {abs(sum(a*b for a,b in zip(v,vt))):.2f}")
