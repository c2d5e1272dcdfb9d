// spavl console: plain DOM, no libraries. Every value from the server is put in the page as text (never as HTML):
// dead-letter records in particular may hold anything.
'use strict';

const REFRESH_MS = 5000;
const RUNS_PAGE_SIZE = 20;
const state = { settings: null, run: null, runsPage: 0, runsPages: 1, dlqTopic: null, dlqPages: [null], dlqNext: null, openDetails: new Set(), busy: false, timer: null };

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}
const $ = (id) => document.getElementById(id);
const fmt = (n) => (n === null || n === undefined) ? '–' : Number(n).toLocaleString('en-US');
const pct = (v) => (v === null || v === undefined) ? 'n/a' : Number(v).toFixed(2);
const rate3 = (v) => (v === null || v === undefined) ? 'n/a' : Number(v).toFixed(3);
const time = (iso) => iso ? new Date(iso).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '–';

async function getJson(url) {
  const r = await fetch(url, { headers: { Accept: 'application/json' } });
  const body = await r.json().catch(() => null);
  if (!r.ok) throw new Error((body && (body.detail || body.title)) || (url + ': HTTP ' + r.status));
  return body;
}

// A row whose markup did not change is kept, not replaced, wherever it moved (a new run on top shifts the others):
// a refresh every few seconds must not take away the button, the open value or the selection a user is at.
// Everything a row's click handler uses is in its markup (data-run, data-topic, partition and offset), so the kept
// row's handler does what the new one's would.
function fillBody(table, rows) {
  const tbody = table.tBodies[0];
  const old = Array.from(tbody.rows);
  const unchanged = new Map();
  for (const o of old) unchanged.set(o.outerHTML, [...(unchanged.get(o.outerHTML) || []), o]);
  const next = rows.map(r => (unchanged.get(r.outerHTML) || []).shift() || r);
  // nothing to do when every row stays where it is (moving a row, even in place, loses a text selection in it)
  if (next.length !== old.length || next.some((r, i) => r !== old[i])) tbody.replaceChildren(...next);
}

// ---- runs and progress ------------------------------------------------------------------------------

const RUN_STATES = { NO_QUESTIONS: ['no questions yet', 'muted'], OPEN: ['open', 'warn'], CLOSED: ['closed', 'ok'], CANCELLED: ['cancelled', 'bad'] };

// The seed as the API's decimal string: the JSON number is rounded by JSON.parse above 2^53 and could not reproduce the run.
function renderRuns(page) {
  const runs = page.items;
  $('runs-empty').hidden = page.total > 0;
  state.runsPages = Math.max(1, Math.ceil(page.total / page.size));
  fillBody($('runs-table'), runs.map(r => {
    const [stateText, stateClass] = RUN_STATES[r.state] || [r.state, ''];
    return el('tr', {
        class: 'clickable' + (r.runId === state.run ? ' selected' : ''), 'data-run': r.runId,
        onclick: () => { state.run = r.runId; refresh(); } },
      el('td', { class: 'mono' }, r.runId), el('td', {}, time(r.requestedAt)),
      el('td', { class: stateClass, 'data-col': 'state' }, stateText),
      el('td', { class: 'num', 'data-col': 'progress' }, fmt(r.questionsClosed) + ' / ' + fmt(r.questions)),
      el('td', { class: 'num', 'data-col': 'quadruples' }, fmt(r.quadruples)),
      el('td', {}, r.sourceKind + ' ' + r.sourceUri),
      el('td', {}, r.fanOut + (r.sampleSize ? ' (' + r.sampleSize + ')' : '')),
      el('td', {}, r.targets && r.targets.length ? r.targets.join(', ') : 'every live lane'),
      el('td', { class: 'num mono', 'data-col': 'seed' }, r.seedText));
  }));
  $('runs-page').textContent = page.total ? 'page ' + (page.page + 1) + ' of ' + state.runsPages + ' (' + fmt(page.total) + ' runs, '
    + page.size + ' a page)' : '';
  $('runs-newer').disabled = state.runsPage <= 0;
  $('runs-older').disabled = state.runsPage + 1 >= state.runsPages;
}

function renderProgress(p) {
  $('progress-run').textContent = p ? p.runId : '(no run selected)';
  const percent = p ? p.percent : 0;
  $('progress-bar').style.width = percent + '%';
  $('progress-percent').textContent = percent + '%';
  const figures = p ? [
    ['images', fmt(p.images), 'registered with the packager'],
    ['questions', fmt(p.questions)],
    ['answers', fmt(p.answersReceived) + ' / ' + fmt(p.answersExpected), 'received / expected'],
    ['answers OK', fmt(p.answersOk)],
    ['pairs', fmt(p.pairs)],
    ['quadruples', fmt(p.quadruples)],
    ['open questions', fmt(p.open)],
    ['unresolved', fmt(p.unresolved)],
    ['failures', fmt(p.answersFailed), 'failed answers'],
    ['counted', time(p.progress.countedAt), 'a large run\'s counts are reused for a few seconds'],
  ] : [];
  $('progress-figures').replaceChildren(...figures.map(([k, v, hint]) =>
    el('div', { 'data-figure': k, title: hint || '' }, el('dt', {}, k), el('dd', {}, v))));
  const kv = (m) => Object.entries(m || {}).map(([k, v]) => el('tr', {}, el('td', {}, k), el('td', { class: 'num' }, fmt(v))));
  const none = (msg) => [el('tr', {}, el('td', { class: 'empty' }, msg))];
  const unresolved = p ? kv(p.progress.unresolvedReasons) : [];
  const failed = p ? kv(p.progress.failedAnswersByKind) : [];
  fillBody($('unresolved-table'), unresolved.length ? unresolved : none('none'));
  fillBody($('failed-table'), failed.length ? failed : none('none'));
}

// ---- lanes ------------------------------------------------------------------------------------------------

function lagSeconds(l) {
  switch (l.lagState) {
    case 'CAUGHT_UP': return '0';
    case 'ESTIMATED': return Number(l.lagSeconds).toFixed(1);
    case 'STALLED': return '∞ (consumed nothing in the window)';
    case 'UNKNOWN': return 'unknown (one measurement so far)';
    default: return 'not measured';
  }
}

function renderLanes(data) {
  const measured = data.lagMeasuredAt ? 'last measured ' + time(data.lagMeasuredAt)
    : (data.lagMonitorEnabled ? 'not measured yet (first round pending)' : 'not measured: the lag monitor is off in this instance (spavl.packager.lag.enabled=false)');
  let note = $('lanes-measured');
  if (!note) { note = el('p', { id: 'lanes-measured', class: 'source' }); $('lanes-source').after(note); }
  note.textContent = 'Lag: ' + measured + (state.settings ? ' (every ' + state.settings.lagInterval + ', rate over ' + state.settings.lagWindow + ')' : '')
    + '. Outcomes: ' + (data.runId ? 'run ' + data.runId : 'all runs') + '.';
  fillBody($('lanes-table'), data.lanes.map(l => el('tr', { 'data-model': l.model },
    el('td', { class: 'mono' }, l.model),
    el('td', { class: 'num' + (l.lagRecords > 0 ? ' warn' : '') }, fmt(l.lagRecords)),
    el('td', { class: 'num' + (l.lagState === 'STALLED' ? ' bad' : '') }, lagSeconds(l)),
    el('td', { class: 'num' }, l.requestsPerMinute === null ? '–' : Number(l.requestsPerMinute).toFixed(1)),
    el('td', { class: 'num ok' }, fmt(l.answersOk)),
    el('td', { class: 'num' + (l.answersFailed > 0 ? ' bad' : '') }, fmt(l.answersFailed)),
    el('td', {}, Object.entries(l.failedByKind || {}).map(([k, v]) => k + ' ' + v).join(', ')),
    el('td', { class: 'num' + (l.deadLetters > 0 ? ' bad' : '') }, fmt(l.deadLetters)))));
}

// ---- dead letters -----------------------------------------------------------------------------------------

function renderDlqTopics(topics) {
  if (!state.dlqTopic || !topics.some(t => t.topic === state.dlqTopic)) {
    const first = topics.find(t => t.records > 0);
    state.dlqTopic = first ? first.topic : null;
    state.dlqPages = [null];
  }
  fillBody($('dlq-topics'), topics.filter(t => t.records > 0 || t.topic === state.dlqTopic).map(t => el('tr', {
      class: 'clickable' + (t.topic === state.dlqTopic ? ' selected' : ''), 'data-topic': t.topic,
      onclick: () => { state.dlqTopic = t.topic; state.dlqPages = [null]; refresh(); } },
    el('td', { class: 'mono' }, t.topic), el('td', { class: 'num bad' }, fmt(t.records)), el('td', { class: 'num' }, fmt(t.replayed)),
    el('td', { class: 'mono' }, t.replayTarget))));
  const empty = topics.filter(t => t.records === 0).length;
  let note = $('dlq-empty-note');
  if (!note) { note = el('p', { id: 'dlq-empty-note', class: 'source' }); $('dlq-topics').after(note); }
  note.textContent = empty + ' of ' + topics.length + ' dead-letter topics are empty (not listed).';
}

function replayCell(r) {
  if (r.replay) {
    const where = r.replay.targetOffset !== null && r.replay.targetOffset !== undefined
      ? r.replay.targetTopic + '/' + r.replay.targetPartition + '@' + r.replay.targetOffset : r.replay.targetTopic;
    return el('td', { class: 'replay-state' }, el('span', { class: 'ok' }, r.replay.state === 'REPLAYED' ? 'replayed' : 'claimed'),
      ' to ', el('span', { class: 'mono' }, where), el('br'), el('span', { class: 'muted' }, 'by ' + r.replay.operator + ', ' + time(r.replay.requestedAt)));
  }
  const enabled = state.settings && state.settings.replayEnabled;
  return el('td', {}, el('button', { type: 'button', class: 'replay', disabled: !enabled,
    title: enabled ? 'send the record back to ' + r.replayTarget : state.settings ? state.settings.replayDisabledReason : '',
    onclick: (ev) => replay(r, ev.target) }, 'Replay'));
}

function valueCell(r) {
  const id = r.partition + '@' + r.offset;
  const details = el('details', { 'data-id': id, open: state.openDetails.has(id) },
    el('summary', {}, r.valueSize < 0 ? 'null value' : fmt(r.valueSize) + ' bytes'),
    r.valueDecoded ? [el('div', { class: 'muted' }, 'decoded (registry):'), el('pre', {}, r.valueDecoded)]
      : el('div', { class: 'muted' }, 'not decodable: ' + (r.valueUndecodableReason || 'no value')),
    r.valueHexPreview !== null ? [el('div', { class: 'muted' }, 'hex' + (r.valuePreviewTruncated ? ' (first bytes)' : '') + ':'), el('pre', {}, r.valueHexPreview)] : null,
    r.valueBase64Preview !== null ? [el('div', { class: 'muted' }, 'base64' + (r.valuePreviewTruncated ? ' (first bytes)' : '') + ':'), el('pre', {}, r.valueBase64Preview)] : null,
    el('div', { class: 'muted' }, 'headers:'),
    el('pre', {}, r.headers.map(h => h.name + ': ' + (h.text !== null ? h.text : 'base64 ' + h.base64)).join('\n')));
  details.addEventListener('toggle', () => details.open ? state.openDetails.add(id) : state.openDetails.delete(id));
  return el('td', {}, details);
}

function renderDlqRecords(page) {
  $('dlq-topic').textContent = state.dlqTopic || '(pick a topic with records)';
  const records = page ? page.records : [];
  fillBody($('dlq-records'), records.length ? records.map(r => el('tr', { 'data-topic': r.topic, 'data-offset': r.partition + '@' + r.offset },
    el('td', { class: 'mono' }, r.partition + ' / ' + r.offset),
    el('td', {}, time(r.timestamp)),
    el('td', { class: 'key mono' }, r.key !== null ? r.key : (r.keyBase64 !== null ? 'base64 ' + r.keyBase64 : 'null')),
    el('td', { class: 'reason' }, r.reason || '–', r.cause ? el('div', { class: 'muted' }, r.cause) : null,
      r.replayOf ? el('div', { class: 'warn' }, 'failed again after the replay of ' + r.replayOf) : null),
    el('td', { class: 'mono' }, r.originalTopic ? r.originalTopic + '/' + r.originalPartition + '@' + r.originalOffset : '–'),
    valueCell(r), replayCell(r)))
    : [el('tr', {}, el('td', { class: 'empty', colspan: 7 }, state.dlqTopic ? 'no records on this page' : 'every dead-letter topic is empty'))]);
  state.dlqNext = page ? page.next : null;
  $('dlq-next').disabled = !state.dlqNext;
  $('dlq-first').disabled = state.dlqPages.length <= 1;
}

async function replay(record, button) {
  const token = $('replay-token').value.trim();
  const status = $('replay-status');
  button.disabled = true;
  status.className = 'note';
  status.textContent = 'replaying ' + record.topic + '/' + record.partition + '@' + record.offset + '…';
  try {
    const url = '/console/api/dead-letters/' + encodeURIComponent(record.topic) + '/' + record.partition + '/' + record.offset + '/replay';
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (token) headers.Authorization = 'Bearer ' + token;
    const r = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ operator: $('replay-operator').value.trim() || null }) });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error((body.title ? body.title + ': ' : '') + (body.detail || 'HTTP ' + r.status));
    status.className = 'note ok';
    status.textContent = 'replayed ' + body.dlqTopic + '/' + body.dlqPartition + '@' + body.dlqOffset + ' to ' + body.targetTopic + '/'
      + body.targetPartition + '@' + body.targetOffset;
  } catch (e) {
    status.className = 'note bad';
    status.textContent = 'replay refused: ' + e.message;
    button.disabled = false;
  }
  await refresh();
}

// ---- Table 1 ----------------------------------------------------------------------------------------------

function renderTable1(stats) {
  $('table1-run').textContent = state.run || '(no run selected)';
  const row = (r, total) => el('tr', { class: total ? 'total' : '', 'data-class2': r.class2 }, el('td', {}, r.class2),
    el('td', { class: 'num' }, fmt(r.images)), el('td', { class: 'num' }, fmt(r.questions) + ' (' + pct(r.questionUnsafePercent) + ')'),
    el('td', { class: 'num' }, pct(r.chosenUnsafePercent) + ' / ' + pct(r.rejectedUnsafePercent)));
  fillBody($('table1-table'), stats ? [...stats.rows.map(r => row(r, false)), row(stats.total, true)] : []);
  const u = stats && stats.usage;
  $('table1-judge').replaceChildren(...(stats ? [
    el('li', {}, 'Pairs by outcome: ' + (Object.entries(stats.judge.pairsByOutcome).map(([k, v]) => k + ' ' + v).join(', ') || 'none')),
    el('li', {}, 'Position flip rate: ' + rate3(stats.judge.positionFlipRate) + '; tie rate: ' + rate3(stats.judge.tieRate)),
    el('li', {}, 'Answer tokens in/out: ' + fmt(u.answerTokensIn) + ' / ' + fmt(u.answerTokensOut) + '; answer cost: ' + u.answerCostUsd + ' USD'),
    el('li', {}, 'Judge tokens in/out (pairwise): ' + fmt(u.judgeTokensIn) + ' / ' + fmt(u.judgeTokensOut)),
  ] : []));
}

// ---- refresh ----------------------------------------------------------------------------------------------

async function refresh() {
  // a click during a refresh (another run, another topic) is served by one more refresh right after it
  if (state.busy) { state.again = true; return; }
  state.busy = true;
  state.again = false;
  $('refresh-dot').className = 'dot busy';
  const errors = [];
  const attempt = async (what, f) => { try { await f(); } catch (e) { errors.push(what + ': ' + e.message); } };
  try {
    if (!state.settings) await attempt('settings', async () => { state.settings = await getJson('/console/api/settings'); });
    await attempt('runs', async () => {
      let page = await getJson('/console/api/runs?page=' + state.runsPage + '&size=' + RUNS_PAGE_SIZE);
      if (!page.items.length && page.total > 0) {
        // past the last page: show the last one
        state.runsPage = Math.ceil(page.total / page.size) - 1;
        page = await getJson('/console/api/runs?page=' + state.runsPage + '&size=' + RUNS_PAGE_SIZE);
      }
      if (!state.run && page.items.length) state.run = page.items[0].runId;
      renderRuns(page);
    });
    const run = state.run ? encodeURIComponent(state.run) : null;
    await Promise.all([
      attempt('progress', async () => renderProgress(run ? await getJson('/console/api/runs/' + run + '/progress') : null)),
      attempt('lanes', async () => renderLanes(await getJson('/console/api/lanes' + (run ? '?run=' + run : '')))),
      attempt('Table 1', async () => renderTable1(run ? await getJson('/api/runs/' + run + '/stats') : null)),
      attempt('dead letters', async () => {
        renderDlqTopics(await getJson('/console/api/dead-letters'));
        let page = null;
        if (state.dlqTopic) {
          const at = state.dlqPages[state.dlqPages.length - 1];
          page = await getJson('/console/api/dead-letters/' + encodeURIComponent(state.dlqTopic) + '?limit=20'
            + (at ? '&partition=' + at.partition + '&from=' + at.offset : ''));
        }
        renderDlqRecords(page);
      }),
    ]);
    if (state.settings && !state.settings.replayEnabled && !$('replay-status').textContent) {
      $('replay-status').className = 'note warn';
      $('replay-status').textContent = state.settings.replayDisabledReason;
    }
  } finally {
    state.busy = false;
    const now = new Date().toLocaleTimeString('en-GB');
    $('refresh-dot').className = errors.length ? 'dot error' : 'dot ok';
    $('refresh-text').textContent = errors.length ? 'updated ' + now + ' with errors: ' + errors.join('; ') : 'updated ' + now;
    document.body.dataset.loaded = 'true';
    document.body.dataset.refreshes = String(Number(document.body.dataset.refreshes || 0) + 1);
  }
  if (state.again) await refresh();
}

function schedule() {
  clearInterval(state.timer);
  if ($('auto-refresh').checked) state.timer = setInterval(refresh, REFRESH_MS);
}

$('auto-refresh').addEventListener('change', schedule);
$('refresh-now').addEventListener('click', refresh);
$('runs-newer').addEventListener('click', () => { if (state.runsPage > 0) { state.runsPage--; refresh(); } });
$('runs-older').addEventListener('click', () => { if (state.runsPage + 1 < state.runsPages) { state.runsPage++; refresh(); } });
$('dlq-next').addEventListener('click', () => { if (state.dlqNext) { state.dlqPages.push(state.dlqNext); refresh(); } });
$('dlq-first').addEventListener('click', () => { state.dlqPages = [null]; refresh(); });
refresh();
schedule();
