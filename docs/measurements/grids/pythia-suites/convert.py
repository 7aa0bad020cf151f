"""Score and standard-error tables of a Pythia model's zero-shot lm-eval results (EleutherAI/pythia a19eecb,
evals/pythia-v1/<model>/zero-shot/): every task with `acc` and `acc_stderr`, one row per checkpoint step."""
import json, subprocess, sys
repo, model, out = sys.argv[1], sys.argv[2], sys.argv[3]
def git(*a): return subprocess.run(['git', '-C', repo, *a], capture_output=True, text=True, check=True).stdout
files = git('ls-tree', '--name-only', 'HEAD', f'evals/pythia-v1/{model}/zero-shot/').split()
rows = []
for f in files:
    step = int(f.rsplit('step', 1)[1].removesuffix('.json'))
    res = json.loads(git('show', f'HEAD:{f}'))['results']
    rows.append((step, {k: (v['acc'], v['acc_stderr']) for k, v in res.items() if 'acc' in v and 'acc_stderr' in v}))
rows.sort()
tasks = sorted(set.intersection(*(set(r[1]) for r in rows)))
for kind, index in (('', 0), ('-stderr', 1)):
    with open(f'{out}/{model}-0shot-suite{kind}.tsv', 'w') as w:
        w.write('CHECKPOINT\t' + '\t'.join(tasks) + '\n')
        for step, v in rows:
            w.write(f'checkpoint-{step}\t' + '\t'.join(f'{v[t][index]:.6f}' for t in tasks) + '\n')
print(model, len(rows), 'x', len(tasks))
