"""Reads the studies batch.sh ran (OUT) and prints, per run, budget and engine, the regret of the named checkpoint
against the table's true best, the evaluations and the evaluation seconds the journal measured; writes OUT/results.tsv.
usage: python3 analyse.py OUT [PYTHIA_FOLDER]"""
import collections, glob, json, math, os, re, statistics as st, sys

out = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))
pythia = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, '../../../../../shared/data/pythia-family')

def row_means(run):
    rows = [l.rstrip('\n').split('\t') for l in open(f'{pythia}/pythia-{run}-0shot.tsv')]
    return {r[0]: sum(map(float, r[1:])) / (len(r) - 1) for r in rows[1:]}

costs = {l.split('\t')[0]: float(l.split('\t')[1]) for l in open(os.path.join(here, '../pythia-few-dear.tsv'))
         if not l.startswith('#') and not l.startswith('BENCHMARK')}
spread = 0.3 * 1.7
nominal = 27 * sum(costs.values()) * 0.005                # the whole grid's seconds at the costs as given
full_grid = nominal * math.sinh(spread) / spread           # and as eval.sh's jitter makes them on average

results = []
for d in sorted(glob.glob(f'{out}/*-*-*-0.0*')):
    if not os.path.exists(d + '/rc'): continue
    run, engine, seed, hours = re.match(r'.*/(.+)-(measured|off)-(\d+)-([0-9.]+)$', d).groups()
    text = open(d + '/out.txt').read()
    pick = re.search(r'selected: (\S+)', text).group(1)
    means = row_means(run); best = max(means.values())
    journal = glob.glob(d + '/.bomax/*.jsonl')[0]
    evals = [json.loads(l) for l in open(journal) if '"type":"evaluation"' in l]
    seconds = sum(e['seconds'] for e in evals)
    report = open(glob.glob(d + '/.bomax/*/report.md')[0]).read()
    estimate = re.search(r'the full grid would take about \*\*([^*]+)\*\*', report)
    results.append(dict(run=run, engine=engine, seed=int(seed), hours=float(hours), pick=pick,
                        regret=100 * (best - means[pick]) / best, evaluations=len(evals), seconds=seconds,
                        past=seconds - float(hours) * 3600, estimate=estimate.group(1) if estimate else ''))

with open(f'{out}/results.tsv', 'w') as f:
    keys = list(results[0])
    f.write('\t'.join(keys) + '\n')
    for r in results: f.write('\t'.join(str(r[k]) for k in keys) + '\n')

groups = collections.defaultdict(list)
for r in results: groups[(r['run'], r['hours'], r['engine'])].append(r)
print('| run | time budget | engine | studies | mean / median / worst regret | true best | evaluations | seconds spent |')
print('|---|---:|---|---:|---|---:|---:|---:|')
for (run, hours, engine), rs in sorted(groups.items()):
    g = [r['regret'] for r in rs]
    print(f"| {run} | {100 * hours * 3600 / nominal:.0f} % | {engine} | {len(rs)} | {st.mean(g):.3f} / {st.median(g):.3f} / {max(g):.3f} | "
          f"{sum(x == 0 for x in g)} of {len(g)} | {st.mean(r['evaluations'] for r in rs):.1f} | {st.mean(r['seconds'] for r in rs):.1f} |")
for hours in sorted({r['hours'] for r in results}):
    line = []
    for engine in ('measured', 'off'):
        g = [r['regret'] for r in results if r['hours'] == hours and r['engine'] == engine]
        line.append(f"{engine}: {len(g)} studies, mean {st.mean(g):.3f} %, median {st.median(g):.3f} %, true best {sum(x == 0 for x in g)}")
    print(f"pooled at {hours} h ({100 * hours * 3600 / nominal:.0f} % of the grid's {nominal:.0f} s): " + '; '.join(line))
print(f"seconds past the budget: most {max(r['past'] for r in results):.1f}, least {min(r['past'] for r in results):.1f}")
def seconds(text):
    return sum(int(n) * {'h': 3600, 'm': 60, 's': 1}[u] for n, u in re.findall(r'(\d+)([hms])', text))
guesses = sorted(seconds(r['estimate']) for r in results if r['estimate'])
print(f"the reports' estimate of the full grid's time: median {st.median(guesses)} s, {guesses[0]}-{guesses[-1]} s "
      f"({len(guesses)} reports; expected {full_grid:.0f} s)")
