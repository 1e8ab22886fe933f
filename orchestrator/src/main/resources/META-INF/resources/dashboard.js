// The Distillery dashboard: runs, a run's stage graph and table with live counters (server-sent events), a sample
// browser with lineage and scores, live training curves, the judges (score histograms, pass/fail counts, report
// cards), the study report of `report` stages and the installed plugins. Plain DOM and fetch; everything comes from
// /api/runs and /api/plugins (docs/pipelines.md, docs/plugins.md).

const view = document.getElementById('view');
const where = document.getElementById('where');
let stream = null;

// The access token of a server that needs one (`distillery serve` prints the link, /?token=T): kept for this tab
// in sessionStorage and taken out of the address bar, so it stays out of the history and of shared screenshots.
const params = new URLSearchParams(location.search);
if (params.has('token')) {
  sessionStorage.setItem('distillery-token', params.get('token'));
  params.delete('token');
  const rest = params.toString();
  history.replaceState(null, '', location.pathname + (rest ? '?' + rest : '') + location.hash);
}
const token = sessionStorage.getItem('distillery-token');
// fetch sends it as a header; EventSource cannot set headers, so the stream's URL carries it.
const withToken = url => token ? `${url}${url.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(token)}` : url;

const esc = s => String(s ?? '').replace(/[&<>"]/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c]));
const getJson = async url => {
  const r = await fetch(url, token ? {headers: {Authorization: `Bearer ${token}`}} : {});
  if (r.status === 401) throw new Error('this server needs its access token: open the link `distillery serve` printed (/?token=...)');
  if (!r.ok) throw new Error(url + ': ' + r.status);
  return r.json();
};

async function runsView() {
  where.textContent = '';
  const runs = await getJson('api/runs');
  view.innerHTML = `<h2>Runs</h2><table><tr><th>run</th><th>pipeline</th><th>status</th><th>created</th></tr>${
    runs.map(r => `<tr><td><a href="#/run/${esc(r.id)}">${esc(r.id)}</a></td><td>${esc(r.name)}</td>
      <td class="status-${esc(r.status)}">${esc(r.status)}</td><td>${esc(r.createdAt)}</td></tr>`).join('')
  }</table>${runs.length ? '' : '<p>No runs yet: start one with <code>distillery run pipeline.yaml</code> or POST /api/runs.</p>'}`;
}

// What the server can use, and where each piece came from (GET /api/plugins also reloads rebuilt plugin jars).
async function pluginsView() {
  where.textContent = '/ plugins';
  const p = await getJson('api/plugins');
  const from = e => e.origin === 'built-in' ? 'built-in' : `${e.origin}: ${e.location ?? '?'}`;
  const table = (title, entries) => `<section><h3>${title} (${entries.length})</h3><table>
    <tr><th>name</th><th>description</th><th>from</th></tr>${entries.map(e => `<tr class="origin-${esc(e.origin)}">
      <td>${esc(e.name)}${e.kind ? ` <small>[${esc(e.kind)}]</small>` : ''}</td><td>${esc(e.description)}</td>
      <td>${esc(from(e))}</td></tr>`).join('')}</table></section>`;
  const dir = p.directory ? `<section id="plugins-dir"><h3>Plugins directory</h3><p><code>${esc(p.directory.path)}</code>:
      ${p.directory.jars.length} jar(s), reloaded ${p.directory.reloads} time(s)</p>
      <ul>${p.directory.jars.map(j => `<li>${esc(j)}</li>`).join('')}</ul>
      ${p.directory.warnings.map(w => `<p class="status-FAILED">${esc(w)}</p>`).join('')}</section>`
    : '<p>No plugins directory: start the server with <code>distillery --plugins DIR serve</code>.</p>';
  view.innerHTML = dir + table('Flows', p.flows) + table('Judges', p.judges) + table('Stage kinds', p.stages)
    + table('Record formats', p.formats);
}

function stagesTable(id, stages) {
  document.getElementById('stages').innerHTML = `<table><tr><th>stage</th><th>kind</th><th>status</th><th>in</th>
    <th>out</th><th>rejected</th><th>dead</th><th>tokens</th></tr>${stages.map(s => `<tr>
      <td><a href="#/run/${esc(id)}/${esc(s.name)}">${esc(s.name)}</a></td><td>${esc(s.kind)}</td>
      <td class="status-${esc(s.status)}">${esc(s.status)}</td><td class="num">${s.counters.recordsIn}</td>
      <td class="num">${s.counters.recordsOut}</td><td class="num">${s.counters.rejected}</td>
      <td class="num">${s.counters.deadLettered}</td><td class="num">${s.counters.tokensIn + s.counters.tokensOut}</td></tr>`).join('')}
    </table>`;
}

// ---- the stage graph -----------------------------------------------------------------------------------------------
// Layer of a stage = the longest path to it from a source, so every edge points rightwards and a stage sits just
// after the last of its inputs. Specs are validated acyclic; the `seen` guard only keeps a bad file from looping.
function layers(graph) {
  const byName = new Map(graph.map(g => [g.name, g])), layer = new Map();
  const of = (name, seen) => {
    if (layer.has(name)) return layer.get(name);
    const g = byName.get(name);
    if (!g || seen.has(name)) return 0;
    seen.add(name);
    const l = g.inputs.filter(i => byName.has(i)).reduce((m, i) => Math.max(m, of(i, seen) + 1), 0);
    layer.set(name, l);
    return l;
  };
  graph.forEach(g => of(g.name, new Set()));
  return layer;
}

// An SVG DAG of the run's stages (`graph` from GET /api/runs/{id}/graph: the spec's stages and inputs), each box
// coloured by the stage's status and showing its in/out counters from the stage list; a stage not started yet is
// PENDING. Nodes keep spec order within a layer, which is how the author wrote the pipeline.
function stageGraph(id, graph, stages) {
  const status = new Map(stages.map(s => [s.name, s]));
  const layer = layers(graph), rows = new Map(), pos = new Map();
  const nw = 150, nh = 48, gx = 50, gy = 16, pad = 8;
  graph.forEach(g => {
    const l = layer.get(g.name), r = rows.get(l) ?? 0;
    rows.set(l, r + 1);
    pos.set(g.name, {layer: l, row: r, x: pad + l * (nw + gx), y: pad + r * (nh + gy)});
  });
  const w = pad * 2 + (Math.max(0, ...layer.values()) + 1) * (nw + gx) - gx;
  const h = pad * 2 + Math.max(1, ...rows.values()) * (nh + gy);   // room for an edge below the last row
  const edges = graph.flatMap(g => g.inputs.filter(i => pos.has(i)).map(i => {
    const a = pos.get(i), b = pos.get(g.name), x1 = a.x + nw, y1 = a.y + nh / 2, x2 = b.x - 2, y2 = b.y + nh / 2;
    let d;
    if (b.layer - a.layer <= 1) {
      const mx = (x1 + x2) / 2;
      d = `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`;
    } else {
      // An edge that skips layers would cross the boxes between; it runs along the gap between two rows instead
      // (beside the target's row, on the source's side), turning only in the gaps between layers, where no box is.
      const c = a.row >= b.row ? b.y + nh + gy / 2 : b.y - gy / 2, q = gx / 2;
      d = `M${x1},${y1} C${x1 + q},${y1} ${x1},${c} ${x1 + q},${c} L${x2 - q},${c} C${x2},${c} ${x2 - q},${y2} ${x2},${y2}`;
    }
    return `<path class="edge" data-from="${esc(i)}" data-to="${esc(g.name)}" fill="none" stroke="#8c959f"
      marker-end="url(#arrow)" d="${d}"/>`;
  }));
  const nodes = graph.map(g => {
    const p = pos.get(g.name), s = status.get(g.name), st = s ? s.status : 'PENDING';
    const counts = s ? `in ${s.counters.recordsIn} → out ${s.counters.recordsOut}` : 'not started';
    const name = g.name.length > 20 ? g.name.slice(0, 19) + '…' : g.name;
    return `<a href="#/run/${esc(id)}/${esc(g.name)}"><g class="node status-${esc(st)}" data-stage="${esc(g.name)}"
      transform="translate(${p.x},${p.y})"><title>${esc(g.name)} (${esc(g.kind)}): ${esc(st)}</title>
      <rect width="${nw}" height="${nh}" rx="5"/><text x="8" y="15" font-size="12" font-weight="600">${esc(name)}</text>
      <text x="8" y="28" font-size="10" class="kind">${esc(g.kind)} · ${esc(st.toLowerCase())}</text>
      <text x="8" y="41" font-size="10" class="counters">${counts}</text></g></a>`;
  });
  return `<svg class="stage-graph" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"><defs><marker id="arrow"
    viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z"
    fill="#8c959f"/></marker></defs>${edges.join('')}${nodes.join('')}</svg>`;
}

// Fetches the stage list once and redraws both views of it: the graph and the table.
async function refreshStages(id, graph) {
  const stages = await getJson(`api/runs/${id}/stages`);
  stagesTable(id, stages);
  const box = document.getElementById('graph');
  if (graph.length) box.innerHTML = stageGraph(id, graph, stages);
  return stages;
}

// ---- training curves -----------------------------------------------------------------------------------------------
// The curves of a train stage: loss and learning rate always, the preference objectives' reward margin and accuracy
// when the stage logs them (TrainRunner forwards them as train/rewards/...).
const CURVES = [['train/loss', '#0969da', true], ['train/learning_rate', '#8250df', true],
  ['train/rewards/margins', '#1a7f37', false], ['train/rewards/accuracies', '#9a6700', false]];

function lineChart(series, colour, points) {
  const w = 300, h = 130;
  if (!points.length) {
    return `<svg class="curve" data-series="${esc(series)}" data-points="0" width="${w}" height="${h}">
      <text x="10" y="16" font-size="11">${esc(series)}: no points yet</text></svg>`;
  }
  const xs = points.map(p => p.step), ys = points.map(p => p.value);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const px = x => 34 + (x - x0) / Math.max(1, x1 - x0) * (w - 44), py = y => h - 18 - (y - y0) / Math.max(1e-12, y1 - y0) * (h - 40);
  const fmt = v => Math.abs(v) !== 0 && (Math.abs(v) < 1e-2 || Math.abs(v) >= 1e4) ? v.toExponential(2) : v.toFixed(3);
  return `<svg class="curve" data-series="${esc(series)}" data-points="${points.length}" width="${w}" height="${h}">
    <text x="6" y="13" font-size="11">${esc(series)}: ${fmt(ys[ys.length - 1])} at step ${xs[xs.length - 1]}</text>
    <text x="2" y="${h - 14}" font-size="9" fill="#57606a">${fmt(y0)}</text><text x="2" y="30" font-size="9" fill="#57606a">${fmt(y1)}</text>
    <polyline fill="none" stroke="${colour}" stroke-width="1.5"
    points="${points.map(p => `${px(p.step).toFixed(1)},${py(p.value).toFixed(1)}`).join(' ')}"/></svg>`;
}

async function trainingCharts(id, stages) {
  const box = document.getElementById('charts');
  const train = stages.filter(s => s.kind === 'train');
  if (!train.length) { box.textContent = 'This run has no train stage.'; return; }
  const blocks = await Promise.all(train.map(async s => {
    const charts = await Promise.all(CURVES.map(async ([series, colour, always]) => {
      const points = await getJson(`api/runs/${id}/metrics?stage=${encodeURIComponent(s.name)}&series=${encodeURIComponent(series)}`);
      return points.length || always ? lineChart(series, colour, points) : '';
    }));
    return `<div class="train-curves" data-stage="${esc(s.name)}"><h4>${esc(s.name)} <span class="status-${esc(s.status)}">${
      esc(s.status)}</span></h4><div class="curves">${charts.join('')}</div></div>`;
  }));
  box.innerHTML = blocks.join('');
}

// Report-card statistics in the order and wording of the judges module's text table (docs/judge-report.md).
const STATISTICS = {accuracy: 'accuracy', accuracy_ties_half: 'accuracy (tie vs decision = ½)',
  accuracy_without_ties: 'accuracy (ties excluded)', cohen_kappa: "Cohen's κ", linear_weighted_kappa: 'weighted κ (linear)',
  quadratic_weighted_kappa: 'weighted κ (quadratic)', precision: "precision (of the judge's 1s)",
  recall: "recall (of the reference's 1s)", fleiss_kappa: "Fleiss' κ (jury)", spearman: 'Spearman ρ',
  kendall_tau_b: 'Kendall τ-b', swap_consistency: 'swap consistency', judge_prefers_longer: 'P(judge prefers longer)',
  reference_prefers_longer: 'P(reference prefers longer)', ece: 'calibration error (ECE)', brier: 'Brier score'};
const num = v => v == null ? '–' : Number.isInteger(v) ? String(v) : v.toFixed(3);

// One bar per value (counts) or per equal-width bin; the server has already binned the scores.
function histogram(score) {
  const bars = score.histogram.bars, w = 320, h = 120, pad = 22, top = 14;
  if (!bars.length) return '<p>no scores</p>';
  const most = Math.max(...bars.map(b => b.count)), bw = (w - 2 * pad) / bars.length;
  const label = b => score.histogram.kind === 'counts' ? num(b.lower) : `${num(b.lower)}–${num(b.upper)}`;
  return `<svg class="histogram" data-score="${esc(score.name)}" width="${w}" height="${h}">${bars.map((b, i) => {
    const bh = most ? (h - pad - top) * b.count / most : 0, x = pad + i * bw;
    return `<rect class="bar" data-count="${b.count}" x="${(x + 1).toFixed(1)}" y="${(h - pad - bh).toFixed(1)}"
      width="${Math.max(1, bw - 2).toFixed(1)}" height="${bh.toFixed(1)}" fill="#0969da"><title>${esc(label(b))}: ${b.count}</title></rect>
      ${bars.length <= 12 ? `<text x="${(x + bw / 2).toFixed(1)}" y="${h - 8}" font-size="10" text-anchor="middle">${esc(label(b))}</text>
      <text x="${(x + bw / 2).toFixed(1)}" y="${(h - pad - bh - 2).toFixed(1)}" font-size="10" text-anchor="middle">${b.count}</text>` : ''}`;
  }).join('')}${bars.length > 12 ? `<text x="${pad}" y="${h - 8}" font-size="10">${num(bars[0].lower)}</text>
    <text x="${w - pad}" y="${h - 8}" font-size="10" text-anchor="end">${num(bars[bars.length - 1].upper)}</text>` : ''}</svg>`;
}

function reportCard(card) {
  const stats = Object.entries(card.statistics);
  const c = card.confusion;
  return `<div class="report-card"><h5>${esc(card.judge)} vs ${esc(card.reference)}</h5>
    <p>${card.items} items on stage ${esc(card.stage)}, ${card.unjudged} unjudged; ${card.bootstrap.resamples
      ? `${Math.round(card.bootstrap.confidence * 100)}% intervals from ${card.bootstrap.resamples} bootstrap resamples of ${card.bootstrap.groups} prompts`
      : 'no intervals'}</p>
    <table class="statistics"><tr><th>statistic</th><th>value</th><th>interval</th><th>n</th></tr>${stats.map(([k, e]) =>
      `<tr data-statistic="${esc(k)}"><td>${esc(STATISTICS[k] ?? k)}</td><td class="num">${num(e.value)}</td>
       <td class="num">${e.low == null ? '–' : `[${num(e.low)}, ${num(e.high)}]`}</td><td class="num">${e.n}</td></tr>`).join('')}</table>
    ${c && c.labels.length <= 12 ? `<table class="confusion"><tr><th>judge ↓ reference →</th>${c.labels.map(l => `<th>${num(l)}</th>`).join('')}</tr>
      ${c.counts.map((row, i) => `<tr><th>${num(c.labels[i])}</th>${row.map(v => `<td class="num">${v}</td>`).join('')}</tr>`).join('')}</table>` : ''}
    ${card.notes.length ? `<ul class="notes">${card.notes.map(n => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}</div>`;
}

// The "Judges" section: a card per judge stage with a histogram per score, its counts and its report cards.
async function judgesSection(id) {
  const box = document.getElementById('judges');
  let overview;
  try { overview = await getJson(`api/runs/${id}/judges`); } catch (e) { box.innerHTML = `<h3>Judges</h3><p>Cannot load: ${esc(e.message)}</p>`; return; }
  if (!overview.stages.length) { box.innerHTML = '<h3>Judges</h3><p>This run has no judge stage.</p>'; return; }
  box.innerHTML = `<h3>Judges</h3>${overview.stages.map(s => `<div class="judge-card" data-stage="${esc(s.stage)}">
    <h4>${esc(s.stage)}: ${esc(s.judge)} ${s.judgeKind ? `<small>(${esc(s.judgeKind)})</small>` : ''}
      <span class="status-${esc(s.status)}">${esc(s.status ?? 'not started')}</span></h4>
    <p class="judge-counts">${s.records} records${s.truncated ? ` (the first ${overview.limit}; the stage has more)` : ''},
      <span class="failed">${s.failed}</span> unjudged (judge failures)</p>
    ${s.failureReasons.length ? `<ul class="reasons">${s.failureReasons.map(r => `<li>${r.count} × ${esc(r.reason)}</li>`).join('')}</ul>` : ''}
    <div class="scores">${s.scores.map(sc => `<div class="score"><h5>${esc(sc.name)}</h5>${histogram(sc)}
      <p>${sc.scored} scored${sc.mean == null ? '' : `, mean ${num(sc.mean)} (${num(sc.min)}–${num(sc.max)})`}${sc.passed == null ? ''
        : `; <span class="pass">${sc.passed} pass</span>, <span class="fail">${sc.failed} fail</span> <small>(${esc(sc.passRule)})</small>`}</p></div>`).join('')}</div>
    ${s.reportCards.map(reportCard).join('')}
    ${s.notes.length ? `<ul class="notes">${s.notes.map(n => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}</div>`).join('')}`;
}

// ---- the study report (`report` stages) ----------------------------------------------------------------------------
// report.json writes a statistic it cannot compute (precision with no positives) as the string "NaN": show a dash.
const finite = v => typeof v === 'number' && Number.isFinite(v);
const pct = v => finite(v) ? (100 * v).toFixed(1) : '–';
const signed = v => finite(v) ? `${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(100 * v).toFixed(1)}` : '–';
const fixed = (v, d) => finite(v) ? v.toFixed(d) : '–';

// A small interval glyph: the scale [lo, hi] as a grey rule, the 95% interval as a bar, the estimate as a dot, and
// (for differences) a tick at zero, so that intervals can be compared down a column at a glance.
function intervalGlyph(value, low, high, lo, hi, colour) {
  const w = 90, h = 12, x = v => (2 + (Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo) * (w - 4)).toFixed(1);
  if (!finite(value)) return '';
  const bar = finite(low) && finite(high)
    ? `<line class="interval" x1="${x(low)}" y1="6" x2="${x(high)}" y2="6" stroke="${colour}" stroke-width="4" stroke-opacity="0.45"/>` : '';
  const zero = lo < 0 && hi > 0 ? `<line x1="${x(0)}" y1="1" x2="${x(0)}" y2="11" stroke="#57606a"/>` : '';
  return `<svg class="glyph" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"><line x1="2" y1="6" x2="${w - 2}" y2="6"
    stroke="#d0d7de"/>${zero}${bar}<circle class="estimate" cx="${x(value)}" cy="6" r="2.5" fill="${colour}"/></svg>`;
}

// Groups in first-seen order with the total row ("all") last, as report.md has them.
function groupRows(columns) {
  const rows = [];
  columns.forEach(c => Object.keys(c).forEach(g => { if (!rows.includes(g)) rows.push(g); }));
  if (rows.includes('all')) { rows.splice(rows.indexOf('all'), 1); rows.push('all'); }
  return rows;
}

function accuracyTable(accuracy) {
  const evals = Object.keys(accuracy);
  if (!evals.length) return '<p>No eval stage among the report\'s inputs.</p>';
  const rows = groupRows(evals.map(e => accuracy[e]));
  return `<h4>Held-out accuracy, 95% bootstrap interval</h4><table class="report-accuracy"><tr><th>group</th>${
    evals.map(e => `<th>${esc(e)}</th>`).join('')}</tr>${rows.map(g => `<tr data-group="${esc(g)}"><th>${esc(g)}</th>${
    evals.map(e => {
      const c = accuracy[e][g];
      if (!c) return `<td class="num" data-eval="${esc(e)}">–</td>`;
      const text = finite(c.low) ? `${pct(c.accuracy)}% [${pct(c.low)}, ${pct(c.high)}]` : `${pct(c.accuracy)}%`;
      return `<td class="num" data-eval="${esc(e)}" title="n = ${esc(c.n)}"><span class="cell">${text}</span>
        ${intervalGlyph(c.accuracy, c.low, c.high, 0, 1, '#0969da')}</td>`;
    }).join('')}</tr>`).join('')}</table>`;
}

// Sign-coloured: an interval wholly above zero is an improvement, wholly below a loss; one that crosses zero is neutral.
function comparisonsTable(comparisons) {
  if (!comparisons.length) return '';
  const columns = comparisons.map(c => Object.fromEntries(Object.entries(c).filter(([k]) => k !== 'a' && k !== 'b')));
  const rows = groupRows(columns);
  const widest = Math.max(0.05, ...columns.flatMap(c => Object.values(c).flatMap(v => [v.low, v.high, v.difference]
    .filter(finite).map(Math.abs))));
  const sign = v => finite(v.low) && v.low > 0 ? 'diff-pos' : finite(v.high) && v.high < 0 ? 'diff-neg' : 'diff-neutral';
  return `<h4>Differences in points, paired bootstrap 95% interval (same held-out items)</h4>
    <table class="report-comparisons"><tr><th>group</th>${comparisons.map(c => `<th>${esc(c.a)} − ${esc(c.b)}</th>`).join('')}</tr>${
    rows.map(g => `<tr data-group="${esc(g)}"><th>${esc(g)}</th>${columns.map((col, i) => {
      const v = col[g];
      if (!v) return `<td class="num" data-comparison="${i}">–</td>`;
      const colour = {'diff-pos': '#1a7f37', 'diff-neg': '#cf222e', 'diff-neutral': '#57606a'}[sign(v)];
      return `<td class="num ${sign(v)}" data-comparison="${i}" title="n = ${esc(v.n)}"><span class="cell">${signed(v.difference)} [${
        signed(v.low)}, ${signed(v.high)}]</span> ${intervalGlyph(v.difference, v.low, v.high, -widest, widest, colour)}</td>`;
    }).join('')}</tr>`).join('')}</table>`;
}

function reportStagesTable(stages) {
  return `<h4>Stages</h4><table class="report-stages"><tr><th>stage</th><th>kind</th><th>in</th><th>out</th><th>rejected</th>
    <th>tokens</th><th>wall s</th></tr>${stages.map(s => `<tr data-stage="${esc(s.stage)}"><td>${esc(s.stage)}</td><td>${esc(s.kind)}</td>
    <td class="num">${s.in}</td><td class="num">${s.out}</td><td class="num">${s.rejected}</td><td class="num">${s.tokens}</td>
    <td class="num">${fixed(s.wall_seconds, 1)}</td></tr>`).join('')}</table>`;
}

function diversityTable(diversity) {
  if (!diversity.length) return '';
  return `<h4>Diversity of the student's samples</h4><table class="report-diversity"><tr><th>stage</th><th>answers</th>
    <th>distinct answers per prompt</th><th>distinct-1</th><th>distinct-2</th><th>repeated</th></tr>${diversity.map(d =>
    `<tr data-stage="${esc(d.stage)}"><td>${esc(d.stage)}</td><td class="num">${d.answers}</td>
    <td class="num">${fixed(d.distinct_answers_per_prompt, 3)}</td><td class="num">${fixed(d.distinct1, 3)}</td>
    <td class="num">${fixed(d.distinct2, 3)}</td><td class="num">${fixed(d.repeated, 3)}</td></tr>`).join('')}</table>`;
}

function agreementTable(agreement) {
  if (!agreement.length) return '';
  return `<h4>Judges against the verifier</h4><table class="report-agreement"><tr><th>stage</th><th>judge</th><th>reference</th>
    <th>n</th><th>precision</th><th>recall</th><th>accuracy</th></tr>${agreement.map(a => `<tr data-stage="${esc(a.stage)}">
    <td>${esc(a.stage)}</td><td>${esc(a.judge)}</td><td>${esc(a.reference)}</td><td class="num">${a.n}</td>
    <td class="num">${fixed(a.precision, 3)}</td><td class="num">${fixed(a.recall, 3)}</td><td class="num">${fixed(a.accuracy, 3)}</td>
    </tr>`).join('')}</table>`;
}

// The "Report" section, shown only when the run has a `report` stage: one block per report stage that has written
// its report.json, the same tables as its report.md.
async function reportSection(id, stages) {
  const box = document.getElementById('report');
  const reportStages = stages.filter(s => s.kind === 'report');
  box.hidden = !reportStages.length;
  if (!reportStages.length) return;
  let reports;
  try { reports = await getJson(`api/runs/${id}/reports`); } catch (e) { box.innerHTML = `<h3>Report</h3><p>Cannot load: ${esc(e.message)}</p>`; return; }
  const written = new Set(reports.map(r => r.stage));
  const waiting = reportStages.filter(s => !written.has(s.name))
    .map(s => `<p class="report-pending">${esc(s.name)}: written when the stage finishes (<span class="status-${esc(s.status)}">${esc(s.status)}</span>).</p>`);
  box.innerHTML = `<h3>Report</h3>${reports.map(r => r.error ? `<div class="report" data-stage="${esc(r.stage)}"><h4>${esc(r.stage)}</h4>
    <p class="failed">${esc(r.error)}</p></div>` : `<div class="report" data-stage="${esc(r.stage)}">
    <p>Stage <strong>${esc(r.stage)}</strong> of ${esc(r.report.pipeline)} <span class="status-${esc(r.status)}">${esc(r.status)}</span></p>
    ${accuracyTable(r.report.accuracy ?? {})}${comparisonsTable(r.report.comparisons ?? [])}${reportStagesTable(r.report.stages ?? [])}
    ${diversityTable(r.report.diversity ?? [])}${agreementTable(r.report.agreement ?? [])}</div>`).join('')}${waiting.join('')}`;
}

async function samples(id, stage, offset) {
  const page = await getJson(`api/runs/${id}/samples?stage=${encodeURIComponent(stage)}&offset=${offset}&limit=10`);
  const box = document.getElementById('samples');
  box.innerHTML = `<h3>${esc(stage)}: records ${offset}–${offset + page.length - 1}</h3>
    <button id="prev" ${offset ? '' : 'disabled'}>previous</button><button id="next" ${page.length < 10 ? 'disabled' : ''}>next</button>
    ${page.map(s => `<pre>#${s.line} ${esc(s.record.kind)} ${esc(JSON.stringify(s.record.payload, null, 1))}
lineage: ${esc(JSON.stringify(s.record.lineage ?? {}))}
scores: ${esc(JSON.stringify(s.record.scores ?? {}))}</pre>`).join('')}`;
  document.getElementById('prev').onclick = () => samples(id, stage, Math.max(0, offset - 10));
  document.getElementById('next').onclick = () => samples(id, stage, offset + 10);
}

let timers = [];

async function runView(id, stage) {
  const run = await getJson(`api/runs/${id}`);
  where.innerHTML = `/ ${esc(run.name)} / ${esc(id)} <span class="status-${esc(run.status)}">${esc(run.status)}</span>`;
  view.innerHTML = `<section><h3>Stages</h3><div id="graph"></div><div id="stages"></div></section>
    <section><h3>Training</h3><div id="charts">—</div></section>
    <section id="report" hidden><h3>Report</h3>—</section>
    <section id="judges"><h3>Judges</h3>—</section><section><h3>Events</h3><div id="events"></div></section>
    <section id="samples">Pick a stage to browse its records.</section>`;
  let graph = [];
  try { graph = await getJson(`api/runs/${id}/graph`); } catch (e) {
    document.getElementById('graph').innerHTML = `<p>Cannot draw the stage graph: ${esc(e.message)}</p>`;
  }
  let stages = await refreshStages(id, graph);
  await trainingCharts(id, stages);
  await reportSection(id, stages);
  await judgesSection(id);
  if (stage) samples(id, stage, 0);
  // `?snapshot` renders the page once without following the run (for scripts and headless browsers).
  if (new URLSearchParams(location.search).has('snapshot')) return;
  // Live: every event refreshes the stage graph and table; the stream replays the history first, then follows the run.
  const log = document.getElementById('events');
  // The stream first replays every past event: coalesce the judge refreshes they ask for into one request.
  let judgesTimer = null;
  const refreshJudges = () => { clearTimeout(judgesTimer); judgesTimer = setTimeout(() => judgesSection(id), 500); };
  // The report is written when its stage finishes; the stage table says which stages are `report` stages.
  let reportTimer = null;
  const refreshReport = () => {
    clearTimeout(reportTimer);
    reportTimer = setTimeout(() => getJson(`api/runs/${id}/stages`).then(s => reportSection(id, s)).catch(() => {}), 500);
  };
  // Metric points are not events (a step would flood the log), so the curves poll while a train stage runs, and
  // redraw once more on every event, which catches the last steps of a stage that just finished.
  let chartsTimer = null;
  const refreshCharts = () => {
    clearTimeout(chartsTimer);
    chartsTimer = setTimeout(() => trainingCharts(id, stages).catch(() => {}), 300);
  };
  timers.push(setInterval(() => {
    if (stages.some(s => s.kind === 'train' && s.status === 'RUNNING')) refreshCharts();
  }, 2000));
  stream = new EventSource(withToken(`api/runs/${id}/events/stream`));
  const onEvent = async e => {
    const ev = JSON.parse(e.data);
    log.insertAdjacentHTML('afterbegin', `<div>${esc(ev.at)} [${esc(ev.stage ?? 'run')}] ${esc(ev.type)} ${esc(ev.payloadJson)}</div>`);
    try { stages = await refreshStages(id, graph); } catch (err) { return; }
    refreshCharts();
    // A judge stage's scores settle when it ends; a finished upstream stage is the moment to look again while it runs.
    if (ev.type === 'stage-finished' || ev.type === 'stage-failed') { refreshJudges(); refreshReport(); }
  };
  ['stage-started', 'stage-finished', 'stage-failed', 'flow-finished', 'trained', 'evaluated', 'checkpoint',
   'exported', 'dedup-report', 'pairs-built'].forEach(t => stream.addEventListener(t, onEvent));
  stream.onerror = () => { stream.close(); timers.forEach(clearInterval); timers = []; };
}

async function route() {
  if (stream) { stream.close(); stream = null; }
  timers.forEach(clearInterval);
  timers = [];
  const parts = location.hash.replace(/^#\/?/, '').split('/');
  try {
    if (parts[0] === 'run' && parts[1]) await runView(decodeURIComponent(parts[1]), parts[2] && decodeURIComponent(parts[2]));
    else if (parts[0] === 'plugins') await pluginsView();
    else await runsView();
  } catch (e) {
    view.textContent = 'Cannot load: ' + e.message;
  }
}

window.addEventListener('hashchange', route);
route();
