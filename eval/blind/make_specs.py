import json
# kind: C comprehensive NQPF plan, T thematic plan, D decision/work report touching NQPF, W 印发 wrapper only, X short excerpt
# length: L = long 8,000-14,000 chars (full layout), M = medium 2,000-5,000 chars, S = short 200-1,500 chars
# labels: M = set of misconceptions present; E = E1..E4 as c(overed)/p(artial)/m(issing)
rows = [
# writer 1
("C","L","province","west","",      "cccc","Comprehensive, well-embedded provincial implementation opinions: upgrades traditional industries with digital tech, grows emerging/future industries, talent, data, reform; names national strategies and the national role the State Council gave the province; targets benchmarked to national levels; local endowments plus central funds/national pilots; parks linked to national-level zones/labs."),
("C","L","county","central","M1",   "pppp","Less-developed county plan that says, in its own way, that the county lacks universities/talent/platforms so it will not chase new quality productive forces for now, and will mainly serve as a raw-material and labour supplier and take in industries moved from the coast; still mentions some digital upgrading of its existing mills, talent training and reforms. National strategy named without a national role; targets without national tie; local resources named but no central resources; county park without national link."),
("C","L","city","east","M2 M3",     "cppc","City plan whose only route is frontier science and technology (labs, compute, large models, key technology breakthroughs, star scientists); no upgrading of existing firms or traditional industry at all; every industry task is an emerging or future industry. Strong talent and reform sections (so M4 absent). National strategy + national role given; targets without national tie; central resources but no named local endowment; platforms linked to national labs."),
("T","L","province","east","",      "pcpc","Provincial '人工智能+' action plan (thematic), stays inside AI: compute, models, data, AI applied in manufacturing, government services, health etc. Names a national AI document but no national role; targets tied to national goals; local strengths named but no central resources; AI platforms linked to national computing hub."),
("C","M","district","east","M4",    "mppp","District plan that treats new quality productive forces as building industry chains and clusters (chain-leader system, extending/complementing chains, cluster scale targets) and says nothing about people, skills, data, equipment, productivity or institutional reform; it does upgrade its traditional textile chain digitally. No national plan; targets without tie; local features only; parks without national link."),
("C","M","city","northeast","",     "cpcp","Northeast city plan, balanced. National revitalisation strategy with assigned national role; targets untied; local + central resources; platforms without national link."),
("T","M","city","central","",       "ppmp","City low-altitude economy action plan (thematic)."),
("T","M","county","west","",        "mppm","County digital-economy plan (thematic), small county, no carriers (only network coverage and enterprise digital workshops)."),
("D","M","province","central","",   "pmpp","Excerpt of a provincial party committee decision on deepening reform, one part of which concerns new quality productive forces; no dated targets."),
("W","S","city","east","",          "mmmm","Only the 印发 notice wrapping a city's NQPF action plan (addressees, 经市政府同意现印发…请认真贯彻落实, date); the plan itself is not included."),
("X","S","county","west","",        "mmpp","Excerpt breaking off inside the key-tasks section on upgrading the county's traditional industries (a named local product), mentions building a county park."),
# writer 2
("C","L","province","central","",   "ccpc","Comprehensive provincial plan, good: central-region rise strategy with national role, targets benchmarked to national average, local endowments but no central resources sought, national high-tech zones as carriers."),
("C","L","county","west","M2",      "mppp","County plan whose route is only research, breakthroughs, bringing in innovation teams, compute and AI; never mentions digital upgrading of existing firms, but does include upgrading its traditional tea/food sector through brand building and expansion (not digital) as an industry task, so M3 is absent. Talent present."),
("C","L","city","west","",         "ccpp","City plan in a western city: national strategy + national role; targets tied (share of national target / national average); local resources + national pilot sought; parks without national links."),
("T","L","city","east","",          "pcpc","City future-industries cultivation plan (thematic): humanoid robots, quantum, biomanufacturing; pilot zones; stays inside future industries by design; must not be read as claiming NQPF is only future industries."),
("C","M","county","central","M3",   "pppm","County plan that scopes NQPF to emerging and future industries only; traditional industries appear only as things to be shut down, moved out or squeezed to free space; it does have digital upgrading of the emerging-industry firms (M2 absent) and a talent section (M4 absent). No carriers named."),
("C","M","city","east","",         "pcpc","Balanced city plan."),
("T","M","province","west","",      "pcpp","Provincial data-elements / data industry action plan (thematic)."),
("T","M","city","central","",       "mppc","City manufacturing digital-transformation plan (thematic): smart factories, industrial internet, upgrade of equipment and traditional sectors; national-level industrial internet platform node."),
("D","M","city","east","",          "mpmm","Excerpt of a city government work report (2025) touching NQPF among many topics: a few sentences about upgrading industries and AI, dated targets for the year, no carriers."),
("W","S","province","central","",   "mmmm","Only the 印发 notice of a provincial government for its '人工智能+' action plan, with the document number, addressees (including development zone committees) and a request to implement."),
("X","S","city","northeast","",     "mcmm","Excerpt: only the 'main targets' section of a city NQPF plan, with dated quantified targets, some benchmarked to national level."),
# writer 3
("C","L","province","northeast","", "cppc","Provincial NQPF implementation plan in the northeast; national revitalisation role; targets untied; local resources only; national-level zones and labs as carriers."),
("C","L","city","central","M4",    "pppp","City plan that equates NQPF with building the modern industrial system (its whole content is industry structure, chains, clusters, output targets); no talent, skills, data, equipment, productivity or institutional reform; includes upgrading traditional sectors (M3 absent) and digital transformation of firms (M2 absent)."),
("C","L","district","west","",      "pccp","District (in a western provincial capital) NQPF action plan, good."),
("T","L","province","central","",   "pcpp","Provincial low-altitude economy high-quality development plan (thematic)."),
("C","M","county","northeast","M1","pmpp","County plan saying NQPF is for big cities and developed areas; the county's job is to supply grain, timber and energy to them and take on their overflow industries; mentions grain processing upgrading. No targets."),
("C","M","city","west","",         "cppp","City plan with positive framing."),
("T","M","county","east","",        "mmpp","County plan for developing the silver economy / health with AI (thematic, service field), no dated targets."),
("T","M","city","west","",          "pcpc","City computing-power and AI industry plan (thematic), national computing hub node."),
("D","M","province","west","",      "pmpm","Excerpt of a provincial government work report section about NQPF: names Western Development strategy, a few local resources, no dated targets, no carriers."),
("W","S","county","west","",        "mmmm","Only the 印发 notice of a county government office for its NQPF three-year action plan, addressees list names the county industrial park committee."),
("X","S","province","east","",     "mmpc","Excerpt: part of the key tasks on innovation platforms (national labs, national technology innovation centres) and a local strength."),
# writer 4
("C","L","city","east","",         "cccp","Developed coastal city plan, good, no claim of exclusivity; national role in a regional strategy; targets tied; local + central; parks without national link."),
("C","L","county","central","M2 M3","mppm","County plan that frames NQPF as innovation-driven emerging and future industries; key tasks are R&D, incubating startups in new energy and new materials, attracting innovation teams; traditional industries are absent; no digital upgrading of existing firms; talent section present (M4 absent); no carriers."),
("C","L","province","west","",      "ccpc","Western province NQPF plan, good, with Western Development and national ecological/energy role."),
("T","L","city","central","",       "ppcp","City '人工智能+制造' action plan (thematic), upgrades existing manufacturing with AI."),
("C","M","district","central","",   "mppp","District plan, plain."),
("C","M","county","west","M1 M3",   "mpmm","Poor county plan: says frontier industries are out of reach, it will be a supplier and take transferred labour-intensive work, and (separately) that traditional industries such as its old brickworks and small mills should all be closed rather than upgraded; mentions labour training (M4 absent) and some online sales/e-commerce for farm products (M2 absent). No central resources, no carriers."),
("T","M","province","east","",      "pcpc","Provincial plan on developing the digital economy core industries and data infrastructure (thematic)."),
("T","M","city","northeast","M2",   "pppp","City thematic AI plan that nevertheless says outright, in its principles, that developing new quality productive forces means relying on frontier tech breakthroughs such as AI alone, and that ordinary digitising of old factories is not new quality productive forces."),
("D","M","county","central","",     "mpmm","Excerpt of a county party committee plenary decision mentioning NQPF in one section."),
("X","S","city","central","",      "mmmp","Short excerpt listing a few carriers (parks, incubator) that the city will build."),
("X","S","county","east","",       "mmmm","Opening of a county plan: title, document number, preamble 以…为指导 深入贯彻… (generic, no named national plan), and the first principle sentences; breaks off before targets."),
# writer 5
("C","L","province","east","",     "pccc","Coastal province NQPF plan, good."),
("C","L","city","west","M3",       "cpcp","City plan that says NQPF lies in strategic emerging and future industries only and that the city's coal and chemical industries are to be phased out wholesale (no upgrading), though it does digital upgrading for its new-energy firms (M2 absent); talent, data and reforms present (M4 absent)."),
("C","L","county","east","",       "pppc","County plan, good county in a developed area, county economic development zone that is a national-level zone."),
("T","L","province","west","",     "cccp","Provincial new energy / green hydrogen industry plan (thematic) in a western province with a national energy base role."),
("C","M","city","central","",      "cmpp","City plan with no dated targets but strong national role."),
("C","M","county","west","M4",     "mppp","County plan equating NQPF with industrial chains and clusters for its local specialty (e.g. a fruit or mineral), nothing on people, data, equipment, productivity or reform; includes upgrading existing processing firms digitally (M2, M3 absent)."),
("T","M","city","east","",         "pcpc","City plan for biomanufacturing (thematic)."),
("T","M","county","central","",    "mpcp","County plan for digital villages / agriculture digitalisation (thematic)."),
("D","M","province","northeast","", "ppmp","Excerpt of a provincial decision on building a strong manufacturing province that discusses NQPF."),
("W","S","province","west","",     "mmmm","Only the 印发 notice for a provincial NQPF implementation opinions (general office of the provincial government), with a document number."),
("X","S","district","east","",     "mmmm","Very short excerpt: a paragraph of background/achievements of a district, general statements without targets or carriers or named resources (should be judged as written)."),
# writer 6
("C","L","city","northeast","",    "cppc","City plan in the northeast, good."),
("C","L","county","west","",       "pppp","Western county plan, ordinary: names strategy, no role; targets untied; local resources only; park without national link."),
("C","M","province","central","M2","pcpp","Provincial plan (medium length) whose routes are only frontier tech: labs, compute, key technology, start-ups; it does, however, upgrade traditional industries by expanding capacity and branding (non-digital) so M3 absent; talent and reform present."),
("T","M","city","east","",         "ppcc","City plan on 'AI+ government services and public services' (thematic)."),
("T","M","county","west","",       "mmpp","County plan on cultural tourism digitalisation (thematic)."),
("T","M","province","northeast","","cpcp","Provincial plan on ice-and-snow economy / equipment with digital upgrading (thematic)."),
("T","M","city","west","M3",       "pppp","City strategic emerging industries plan (thematic) that states in its principles that new quality productive forces are exactly the strategic emerging and future industries and that traditional industries have no place in them."),
("D","M","city","central","",      "mmpm","Excerpt of a city party committee's decision section on NQPF, with one local endowment, no carriers."),
("W","S","city","west","",         "mmmm","Only the 转发 notice of a city government forwarding a provincial NQPF plan to its counties."),
("X","S","province","central","",  "pmmm","Excerpt: the 'guiding principles' paragraph naming a specific national regional strategy but nothing else."),
("X","S","county","central","",    "mmpm","Excerpt: the paragraph describing the county's endowments (named mineral, crop, location)."),
]
writers = [range(0,11), range(11,22), range(22,33), range(33,44), range(44,55), range(55,66)]
assert len(rows) >= 64, len(rows)
specs = []
for i, (kind, length, level, region, m, e, brief) in enumerate(rows, 1):
    labels = {k: ("present" if k in m.split() else "absent") for k in ["M1","M2","M3","M4"]}
    labels.update({f"E{j+1}": {"c":"covered","p":"partial","m":"missing"}[e[j]] for j in range(4)})
    specs.append(dict(id=f"blind-{i:03d}", kind={"C":"comprehensive","T":"thematic","D":"decision","W":"wrapper","X":"excerpt"}[kind],
        length={"L":"8000-14000","M":"2000-5000","S":"200-1500"}[length], level=level, region=region, labels=labels, brief=brief))
print(len(specs), sum(s['length']=='8000-14000' for s in specs), sum(s['kind']=='thematic' for s in specs))
from collections import Counter
print(Counter(s['kind'] for s in specs))
for k in ["M1","M2","M3","M4","E1","E2","E3","E4"]:
    print(k, Counter(s['labels'][k] for s in specs))
for w, r in enumerate(writers, 1):
    part = [specs[i] for i in r if i < len(specs)]
    with open(f"specs/writer{w}.json", "w") as f:
        json.dump(part, f, ensure_ascii=False, indent=1)
    print(w, len(part), [p['id'] for p in part][:1], sum(p['length']=='8000-14000' for p in part))
json.dump(specs, open("specs/all.json","w"), ensure_ascii=False, indent=1)
