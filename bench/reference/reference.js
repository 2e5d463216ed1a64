// A straightforward hand-written version of the widget's job, as a yardstick:
// fetch the status, compute the same numbers, render the bar, legend and the ten
// newest calls. Query: ?batch=&base=&interval= (seconds).
const params = new URLSearchParams(location.search);
const batch = params.get('batch');
const url = `${params.get('base') || ''}/v1/api/batch-calls/${encodeURIComponent(batch)}`;
const interval = Number(params.get('interval') || 5) * 1000;
const rows = 10;
const count = new Intl.NumberFormat();
const clock = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });
const $ = (id) => document.getElementById(id);

function mask(phone) {
  const digits = String(phone ?? '').replace(/\D/g, '');
  if (digits.length < 7) return '•••';
  return `${String(phone).trim().startsWith('+') ? `+${digits[0]} ` : ''}•••• ••${digits.slice(-4)}`;
}

function render(data) {
  const p = data.progress || data;
  const n = (v) => (Number.isFinite(v) && v > 0 ? Math.round(v) : 0);
  const c = { completed: n(p.completed), failed: n(p.failed), active: n(p.active), waiting: n(p.waiting) };
  const scale = Math.max(n(p.total), n(data.totalCalls), c.completed + c.failed + c.active + c.waiting);
  const finished = c.completed + c.failed;
  const share = (v) => (scale ? v / scale : 0);
  $('batch-id').textContent = data.id || batch;
  $('badge').textContent = data.status || 'unknown';
  const text = `${count.format(finished)} of ${count.format(scale)} calls finished, ${count.format(c.failed)} failed`;
  $('summary').textContent = `${Math.floor(share(finished) * 100)}% finished · ${text}`;
  const bar = $('bar');
  bar.setAttribute('aria-valuemax', String(Math.max(scale, 1)));
  bar.setAttribute('aria-valuenow', String(finished));
  bar.setAttribute('aria-valuetext', text);
  ['completed', 'failed', 'active'].forEach((k, i) => { bar.children[i].style.width = `${share(c[k]) * 100}%`; });
  $('legend').replaceChildren(...Object.entries(c).map(([k, v]) => {
    const li = document.createElement('li');
    li.textContent = `${k} ${count.format(v)} ${Math.floor(share(v) * 100)}%`;
    return li;
  }));
  const calls = (Array.isArray(p.recent_calls) ? p.recent_calls : [])
    .filter((x) => x && typeof x === 'object')
    .map((x) => ({ ...x, at: x.completedAt ?? x.failedAt ?? null }))
    .sort((a, b) => (b.at ?? -Infinity) - (a.at ?? -Infinity))
    .slice(0, rows);
  $('calls').replaceChildren(...calls.map((call) => {
    const tr = document.createElement('tr');
    const detail = call.status === 'failed' ? call.error : call.duration != null ? `${Math.round(call.duration)} s` : '—';
    for (const value of [call.jobId, call.status, mask(call.phone_number), call.at ? clock.format(call.at) : '—', detail ?? '—']) {
      const td = document.createElement('td');
      td.textContent = value;
      tr.append(td);
    }
    return tr;
  }));
}

let timer = null;
async function poll() {
  clearTimeout(timer);
  try {
    const response = await fetch(url, { headers: { 'x-api-key': 'bench', 'x-workspace-id': 'ws_bench' }, cache: 'no-store' });
    if (response.ok) render(await response.json());
  } catch {
    // The yardstick keeps the last data, like the widget.
  }
  timer = setTimeout(poll, interval);
}

/** For the benchmark: poll now. */
window.refreshNow = poll;
poll();
