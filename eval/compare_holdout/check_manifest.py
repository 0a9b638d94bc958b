"""Consistency check for the holdout compare set (adapted copy of main/eval/compare/check_manifest.py):
python3 check_manifest.py [--verbose]
Stricter than the original: 1,500-2,000 Chinese characters, endowments must be verbatim, no alias of an
unlabelled field, every labelled field has a mention, >= 4 mentions per plan.
Checks plan files, paragraph numbers, quotes, field ids against the taxonomy, lengths.
Field matching uses the taxonomy aliases, leftmost-longest (most specific alias wins)."""
import json, os, re, sys, difflib
from collections import Counter

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
TAX = os.environ.get('TAXONOMY', '/work/main/corpus/compare/taxonomy.yaml')
verbose = '--verbose' in sys.argv

tax = yaml.safe_load(open(TAX, encoding='utf-8'))
field_ids = {f['id'] for f in tax['fields']}
alias = {}
for f in tax['fields']:
    for a in set(f['aliases'] + [f['name']]):
        alias.setdefault(a, f['id'])
akeys = sorted(alias, key=len, reverse=True)


def scan(text):
    out, i = [], 0
    while i < len(text):
        for a in akeys:
            if text.startswith(a, i):
                out.append((i, a, alias[a]))
                i += len(a)
                break
        else:
            i += 1
    return out


def paras(text):
    return [l for l in text.split('\n') if l.strip()]


m = json.load(open(os.path.join(HERE, 'manifest.json'), encoding='utf-8'))
errors, warns = [], []
plans = {p['id']: p for p in m['plans']}
texts = {}
for p in m['plans']:
    fn = os.path.join(HERE, p['file'])
    if not os.path.exists(fn):
        errors.append(f"missing file {p['file']}")
        continue
    t = open(fn, encoding='utf-8').read()
    texts[p['id']] = t
    n = len(re.findall(r'[\u4e00-\u9fff]', t))
    if not 1500 <= n <= 2000:
        errors.append(f"{p['id']}: {n} Chinese characters")
    if p['group'] not in ('grounded', 'hotlist', 'copy', 'partial_copy', 'mixed'):
        errors.append(f"{p['id']}: bad group {p['group']}")
    if (p['copy_of'] is None) != (p['group'] not in ('copy', 'partial_copy')):
        errors.append(f"{p['id']}: copy_of inconsistent with group")
    if p['copy_of'] and p['copy_of'] not in plans:
        errors.append(f"{p['id']}: copy_of unknown")
    found = {f for _, _, f in scan(t)}
    labelled = set()
    for f in p['fields']:
        if f['field'] not in field_ids:
            errors.append(f"{p['id']}: unknown field {f['field']}")
        labelled.add(f['field'])
        if f['grounded'] and not f['endowment']:
            errors.append(f"{p['id']}: grounded field {f['field']} without endowment")
        if not f['grounded'] and f['endowment']:
            errors.append(f"{p['id']}: ungrounded field {f['field']} with endowment")
        if f['endowment'] and f['endowment'] not in t:
            errors.append(f"{p['id']}: endowment not verbatim: {f['endowment']}")
        if f['field'] not in found:
            errors.append(f"{p['id']}: labelled field {f['field']} has no alias in the text")
    g = sum(f['grounded'] for f in p['fields']) / len(p['fields'])
    if abs(g - p['grounding']) > 0.011:
        errors.append(f"{p['id']}: grounding {p['grounding']} != {g:.2f}")
    extra = found - labelled
    if extra:
        errors.append(f"{p['id']} ({p['group']}): aliases of unlabelled fields in text: {sorted(extra)}")

for c in m['copied_paragraphs']:
    for side in 'ab':
        pid, i = c[side], c['para_' + side]
        if pid not in texts:
            errors.append(f'pair refers to unknown plan {pid}')
            continue
        if not 1 <= i <= len(paras(texts[pid])):
            errors.append(f'{pid}: paragraph {i} does not exist')
    if c['a'] in texts and c['b'] in texts:
        pa = paras(texts[c['a']])[c['para_a'] - 1]
        pb = paras(texts[c['b']])[c['para_b'] - 1]
        ga = {pa[i:i + 4] for i in range(len(pa) - 3)} or {pa}
        gb = {pb[i:i + 4] for i in range(len(pb) - 3)} or {pb}
        r = max(difflib.SequenceMatcher(None, pa, pb).ratio(), len(ga & gb) / min(len(ga), len(gb)))
        if r < 0.5:
            warns.append(f"low similarity {r:.2f}: {c}")
    if plans.get(c['b'], {}).get('copy_of') != c['a']:
        errors.append(f"pair {c} : b is not a copy of a")

seen = set()
for fm in m['field_mentions']:
    pid, q, f = fm['plan'], fm['quote'], fm['field']
    if (pid, q) in seen:
        warns.append(f'duplicate mention {pid} {q}')
    seen.add((pid, q))
    if f not in field_ids:
        errors.append(f'mention field unknown {f}')
    if pid not in texts:
        errors.append(f'mention plan unknown {pid}')
        continue
    if q not in texts[pid]:
        errors.append(f'{pid}: quote not in text: {q}')
    if not 5 <= len(q) <= 40:
        errors.append(f'{pid}: quote length {len(q)}: {q}')
    hits = {x for _, _, x in scan(q)}
    if f not in hits:
        errors.append(f'{pid}: quote {q} has no alias of {f} (has {sorted(hits)})')
    elif len(hits) > 1:
        errors.append(f'{pid}: quote {q} -> {f} also matches {sorted(hits - {f})}')
    if f not in {x['field'] for x in plans[pid]['fields']}:
        warns.append(f'{pid}: mention field {f} not among the plan fields')

per_plan = Counter(fm['plan'] for fm in m['field_mentions'])
for p in m['plans']:
    if per_plan[p['id']] < 4:
        errors.append(f"{p['id']}: only {per_plan[p['id']]} mentions")
    mentioned = {fm['field'] for fm in m['field_mentions'] if fm['plan'] == p['id']}
    for f in p['fields']:
        if f['field'] not in mentioned:
            errors.append(f"{p['id']}: field {f['field']} has no mention")
    if p['group'] == 'hotlist' and p['grounding'] != 0:
        errors.append(f"{p['id']}: hotlist plan with grounding {p['grounding']}")
    if p['group'] == 'hotlist' and not 5 <= len(p['fields']) <= 9:
        errors.append(f"{p['id']}: hotlist plan with {len(p['fields'])} fields")
    nums = [pp['id'] for pp in m['plans']]
for c in m['copied_paragraphs']:
    if c['kind'] not in ('title', 'heading', 'body'):
        errors.append(f'bad kind {c}')
groups = Counter(p['group'] for p in m['plans'])
mf = Counter(fm['field'] for fm in m['field_mentions'])
mg = Counter(plans[fm['plan']]['group'] for fm in m['field_mentions'])
print('plans per group:', dict(groups))
print('copied paragraph pairs:', len(m['copied_paragraphs']),
      dict(Counter(c.get('kind') for c in m['copied_paragraphs'])))
print('field mentions:', len(m['field_mentions']), 'distinct fields:', len(mf), 'per group:', dict(mg))
if len(m['field_mentions']) < 120 or len(mf) < 25:
    errors.append('too few field mentions / fields')
if verbose:
    for w in warns:
        print('WARN', w)
else:
    print(len(warns), 'warnings (use --verbose)')
for e in errors:
    print('ERROR', e)
print('OK' if not errors else f'{len(errors)} errors')
sys.exit(1 if errors else 0)
