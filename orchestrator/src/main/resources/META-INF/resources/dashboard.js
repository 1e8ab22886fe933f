// The Distillery dashboard: runs, a run's stages with live counters (server-sent events), a sample browser with
// lineage and scores, training curves, and the installed plugins. Plain DOM and fetch; everything comes from /api/runs
// and /api/plugins (docs/pipelines.md, docs/plugins.md).

const view = document.getElementById('view');
const where = document.getElementById('where');
let stream = null;

const esc = s => String(s ?? '').replace(/[&<>"]/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c]));
const getJson = async url => { const r = await fetch(url); if (!r.ok) throw new Error(url + ': ' + r.status); return r.json(); };

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

async function stagesTable(id) {
  const stages = await getJson(`api/runs/${id}/stages`);
  document.getElementById('stages').innerHTML = `<table><tr><th>stage</th><th>kind</th><th>status</th><th>in</th>
    <th>out</th><th>rejected</th><th>dead</th><th>tokens</th></tr>${stages.map(s => `<tr>
      <td><a href="#/run/${esc(id)}/${esc(s.name)}">${esc(s.name)}</a></td><td>${esc(s.kind)}</td>
      <td class="status-${esc(s.status)}">${esc(s.status)}</td><td class="num">${s.counters.recordsIn}</td>
      <td class="num">${s.counters.recordsOut}</td><td class="num">${s.counters.rejected}</td>
      <td class="num">${s.counters.deadLettered}</td><td class="num">${s.counters.tokensIn + s.counters.tokensOut}</td></tr>`).join('')}
    </table>`;
  return stages;
}

function lossChart(points) {
  if (!points.length) return '';
  const w = 480, h = 160, xs = points.map(p => p.step), ys = points.map(p => p.value);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const px = x => 30 + (x - x0) / Math.max(1, x1 - x0) * (w - 40), py = y => h - 20 - (y - y0) / Math.max(1e-9, y1 - y0) * (h - 30);
  return `<svg id="loss" width="${w}" height="${h}"><polyline fill="none" stroke="#0969da" stroke-width="1.5"
    points="${points.map(p => `${px(p.step).toFixed(1)},${py(p.value).toFixed(1)}`).join(' ')}"/>
    <text x="30" y="12" font-size="11">train/loss ${y1.toFixed(3)} → ${ys[ys.length - 1].toFixed(3)} (step ${x1})</text></svg>`;
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

async function runView(id, stage) {
  const run = await getJson(`api/runs/${id}`);
  where.innerHTML = `/ ${esc(run.name)} / ${esc(id)} <span class="status-${esc(run.status)}">${esc(run.status)}</span>`;
  view.innerHTML = `<section id="stages"></section><section><h3>Training</h3><div id="charts">—</div></section>
    <section><h3>Events</h3><div id="events"></div></section><section id="samples">Pick a stage to browse its records.</section>`;
  const stages = await stagesTable(id);
  const charts = [];
  for (const s of stages.filter(s => s.kind === 'train')) {
    charts.push(lossChart(await getJson(`api/runs/${id}/metrics?stage=${encodeURIComponent(s.name)}&series=train/loss`)));
  }
  if (charts.length) document.getElementById('charts').innerHTML = charts.join('');
  if (stage) samples(id, stage, 0);
  // `?snapshot` renders the page once without following the run (for scripts and headless browsers).
  if (new URLSearchParams(location.search).has('snapshot')) return;
  // Live: every event refreshes the stage table; the stream replays the history first, then follows the run.
  const log = document.getElementById('events');
  stream = new EventSource(`api/runs/${id}/events/stream`);
  const onEvent = e => {
    const ev = JSON.parse(e.data);
    log.insertAdjacentHTML('afterbegin', `<div>${esc(ev.at)} [${esc(ev.stage ?? 'run')}] ${esc(ev.type)} ${esc(ev.payloadJson)}</div>`);
    stagesTable(id);
  };
  ['stage-started', 'stage-finished', 'stage-failed', 'flow-finished', 'trained', 'evaluated', 'checkpoint',
   'exported', 'dedup-report', 'pairs-built'].forEach(t => stream.addEventListener(t, onEvent));
  stream.onerror = () => stream.close();
}

async function route() {
  if (stream) { stream.close(); stream = null; }
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
