// make bench: the widget against a hand-written vanilla-JS page doing the same job
// (bench/reference/), side by side in one run, in headless Chromium against `sim`
// on loopback. Prints one markdown table and writes it to bench/RESULTS.md.
//
// Noise is real on small machines: every timing is taken many times, the two
// implementations alternate, and the table shows min–median–max and the ratio of
// medians (widget / reference).
import { chromium } from '@playwright/test';
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const PORT = 18181;
const ORIGIN = `http://127.0.0.1:${PORT}`;
const RUNS = Number(process.env.BENCH_RUNS || 15);
// Updates are quick: timed more often, their medians move less between runs.
const UPDATE_RUNS = Number(process.env.BENCH_UPDATE_RUNS || 100);
const SIZES = [10, 100, 1000, 10000];
const MEMORY_STEPS = [100, Number(process.env.BENCH_MEMORY_UPDATES || 10000)];
// BENCH_ONLY=idle (or update,explorer,...) measures only those and prints them,
// leaving bench/RESULTS.md alone: for trying a change on one measure.
const ONLY = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',') : null;

// ---------------------------------------------------------------- fixtures

/** A status body with `calls` recent calls; `variant` changes every count, and
 * `timestamp` is the moment the server says it answered (a real server's moves
 * with every answer, whether or not the batch did). */
function body(calls, variant, timestamp = 1764321000000) {
  const completed = 5000 + variant * 7;
  const failed = 400 + variant;
  const recent = Array.from({ length: calls }, (_, i) => ({
    jobId: `call_${variant}_${i}`,
    status: i % 9 === 0 ? 'failed' : 'completed',
    phone_number: `+1415555${String(i % 10000).padStart(4, '0')}`,
    ...(i % 9 === 0
      ? { failedAt: 1764320000000 + i * 1000, error: 'no-answer' }
      : { completedAt: 1764320000000 + i * 1000, duration: 30 + (i % 40) }),
  }));
  return JSON.stringify({
    id: 'batch_bench', status: 'processing', isComplete: false, totalCalls: 20000,
    progress: {
      waiting: 20000 - completed - failed - 50, active: 50, completed, failed, total: 20000,
      startTime: 1764320000000, lastCompletedTime: 1764321000000, completedTime: null,
      averageCallDuration: 44.5, recent_calls: recent,
    },
    timestamp,
  });
}

async function script(batch, steps, cycle = true) {
  const response = await fetch(`${ORIGIN}/__sim/scenarios/${batch}`, {
    method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ steps, cycle }),
  });
  if (response.status !== 204) throw new Error(`scenario ${batch}: ${response.status}`);
}

// ---------------------------------------------------------------- pages

const IMPLEMENTATIONS = {
  widget: (batch, interval) => `${ORIGIN}/__sim/host-page?${new URLSearchParams({
    src: '/batch-status.js', 'batch-id': batch, 'workspace-id': 'ws_bench', 'api-base': '/', interval: String(interval),
  })}`,
  reference: (batch, interval) => `${ORIGIN}/bench-reference/index.html?${new URLSearchParams({
    batch, base: '', interval: String(interval),
  })}`,
};

/** Runs in every page before its scripts: the key, and the helpers the bench calls. */
function pageHelpers() {
  new MutationObserver(() => {
    for (const el of document.querySelectorAll('batch-status')) {
      if (!el.dataset.keyed) { el.apiKey = 'sk_bench_4f9c2a7e'; el.dataset.keyed = '1'; }
    }
  }).observe(document, { childList: true, subtree: true });
  const root = () => document.querySelector('batch-status')?.shadowRoot ?? document;
  const bar = () => root().querySelector('[role=progressbar][aria-valuenow]');
  window.__firstData = new Promise((resolve) => {
    const check = () => (bar() ? resolve(performance.now()) : requestAnimationFrame(check));
    requestAnimationFrame(check);
  });
  const trigger = () => (window.refreshNow ? window.refreshNow() : document.querySelector('batch-status').refresh());
  /** Asks for a poll and resolves with the ms until the new numbers are in the DOM. */
  window.__update = () => new Promise((resolve) => {
    const before = bar().getAttribute('aria-valuenow');
    const start = performance.now();
    const observer = new MutationObserver(() => {
      if (bar() && bar().getAttribute('aria-valuenow') !== before) {
        observer.disconnect();
        resolve(performance.now() - start);
      }
    });
    observer.observe(root(), { subtree: true, attributes: true, childList: true });
    trigger();
  });
  /** Turns the explorer's page (Next, then Previous) and resolves with the ms until the rows are in the DOM. */
  window.__explorerPage = (forward) => new Promise((resolve) => {
    const explorer = root().querySelector('[part=explorer]');
    const body = explorer.querySelector('tbody');
    const start = performance.now();
    const observer = new MutationObserver(() => {
      observer.disconnect();
      resolve(performance.now() - start);
    });
    observer.observe(body, { childList: true });
    explorer.querySelector(`[aria-label="${forward ? 'Next page' : 'Previous page'}"]`).click();
  });
  /** Exports the calls of the widget's batch; resolves with the longest long task meanwhile and the rows. */
  window.__exportLongestTask = async () => {
    const tasks = [];
    const observer = new PerformanceObserver((list) => tasks.push(...list.getEntries().map((e) => e.duration)));
    observer.observe({ entryTypes: ['longtask'] });
    const file = await document.querySelector('batch-status').exportCalls({ status: 'all' });
    const rows = (await file.text()).split('\r\n').filter(Boolean).length - 1;
    await new Promise((r) => setTimeout(r, 100));
    observer.disconnect();
    return { longest: Math.max(0, ...tasks), rows };
  };
  window.__memory = async () => {
    window.gc?.();
    let wasm = 0;
    if (document.querySelector('batch-status')) {
      // The page's one widget runs in the glue's first module instance (the URL
      // without a fragment); its init, called again, answers that instance's exports.
      const glue = performance.getEntriesByType('resource')
        .map((entry) => entry.name)
        .find((name) => /batch-status-widget\.[0-9a-f]+\.js$/.test(name));
      const exports = await (await import(glue)).default();
      wasm = exports.memory.buffer.byteLength;
    }
    return { total: performance.memory.usedJSHeapSize + wasm, wasm };
  };
}

async function open(context, name, batch, interval = 3600) {
  const page = await context.newPage();
  page.on('crash', () => console.error(`bench: the ${name} page crashed`));
  page.on('pageerror', (error) => console.error(`bench: ${name}: ${error.message}`));
  await page.addInitScript(pageHelpers);
  await page.goto(IMPLEMENTATIONS[name](batch, interval));
  const firstData = await page.evaluate(() => window.__firstData);
  return { page, firstData };
}

// ---------------------------------------------------------------- statistics

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const spread = (xs, unit = 'ms', digits = 1) => `${Math.min(...xs).toFixed(digits)}–${median(xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)} ${unit}`;
const ratio = (a, b) => (median(b) === 0 ? 'n/a' : (median(a) / median(b)).toFixed(2));

// ---------------------------------------------------------------- measurements

async function measureBoot(browser) {
  await script('bench-boot', [{ body: body(10, 0) }], false);
  const times = { widget: [], reference: [] };
  for (let run = 0; run < RUNS; run += 1) {
    for (const name of run % 2 ? ['reference', 'widget'] : ['widget', 'reference']) {
      const context = await browser.newContext();
      const { firstData } = await open(context, name, 'bench-boot');
      times[name].push(firstData);
      await context.close();
    }
  }
  return times;
}

/**
 * Updates each page applies before its steady updates are timed. A wasm
 * function starts in V8's baseline tier and is optimized only once it has run
 * enough: the widget's first dozen updates after load take about twice as
 * long as the later ones, while a page of plain JS warms up in a few. A widget
 * applies thousands of updates in a working day, so the target is the steady
 * cost; the first updates are a row of their own.
 */
const WARM_UPDATES = 30;

/**
 * Each implementation's update times with `calls` recent calls: `first`, the
 * first RUNS updates after the first data, and `steady`, UPDATE_RUNS updates
 * after WARM_UPDATES.
 */
async function measureUpdates(browser, calls) {
  const context = await browser.newContext();
  const pages = {};
  for (const name of Object.keys(IMPLEMENTATIONS)) {
    // One scripted batch each: every poll of it alternates between two bodies.
    const batch = `bench-update-${calls}-${name}`;
    await script(batch, [{ body: body(calls, 1) }, { body: body(calls, 2) }]);
    pages[name] = (await open(context, name, batch)).page;
  }
  const first = { widget: [], reference: [] };
  const steady = { widget: [], reference: [] };
  for (let run = 0; run < WARM_UPDATES + UPDATE_RUNS; run += 1) {
    for (const name of run % 2 ? ['reference', 'widget'] : ['widget', 'reference']) {
      const ms = await pages[name].evaluate(() => window.__update());
      if (run < RUNS) first[name].push(ms);
      if (run >= WARM_UPDATES) steady[name].push(ms);
    }
  }
  await context.close();
  return { first, steady };
}

/** One explorer page of 100 calls drawn, against the widget's own update at 100 recent calls. */
async function measureExplorerPage(browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(pageHelpers);
  await page.goto(`${ORIGIN}/__sim/host-page?${new URLSearchParams({
    src: '/batch-status.js', 'batch-id': 'demo-large-bench', 'workspace-id': 'ws_bench', 'api-base': '/',
    interval: '3600', 'page-size': '100',
  })}`);
  await page.evaluate(() => window.__firstData);
  await page.locator('.bs-explore').click();
  await page.locator('[part=explorer] table[aria-busy=false] tbody tr:nth-child(100)').waitFor({ state: 'attached' });
  const times = [];
  for (let run = 0; run < RUNS + 2; run += 1) {
    const ms = await page.evaluate((forward) => window.__explorerPage(forward), run % 2 === 0);
    await page.locator('[part=explorer] table[aria-busy=false]').waitFor({ state: 'attached' });
    if (run >= 2) times.push(ms);
  }
  await context.close();
  return times;
}

/** Building the CSV of a 10,000-call batch: the longest task it causes. */
async function measureExport(browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(pageHelpers);
  await page.goto(`${ORIGIN}/__sim/host-page?${new URLSearchParams({
    src: '/batch-status.js', 'batch-id': 'demo-xl-bench', 'workspace-id': 'ws_bench', 'api-base': '/', interval: '3600',
  })}`);
  await page.evaluate(() => window.__firstData);
  const result = await page.evaluate(() => window.__exportLongestTask());
  await context.close();
  return result;
}

async function measureMemory(browser) {
  const result = {};
  for (const name of Object.keys(IMPLEMENTATIONS)) {
    const batch = `bench-memory-${name}`;
    await script(batch, [{ body: body(10, 1) }, { body: body(10, 2) }]);
    const context = await browser.newContext();
    const { page } = await open(context, name, batch);
    let done = 0;
    result[name] = [];
    for (const target of MEMORY_STEPS) {
      await page.evaluate(async (n) => { for (let i = 0; i < n; i += 1) await window.__update(); }, target - done);
      done = target;
      result[name].push(await page.evaluate(() => window.__memory()));
    }
    await context.close();
  }
  return result;
}

/**
 * JS heap plus every wasm memory of a page showing `count` widgets, each with a
 * body of 100 recent calls, after a forced GC (bytes: one run is exact enough).
 */
async function measureWidgets(browser, count) {
  await script('bench-many', [{ body: body(100, 4) }], false);
  const context = await browser.newContext();
  const { page } = await open(context, 'widget', 'bench-many');
  await page.evaluate((n) => {
    for (let i = 1; i < n; i += 1) {
      const el = document.createElement('batch-status');
      for (const [k, v] of Object.entries({ 'batch-id': 'bench-many', 'workspace-id': 'ws_bench', 'api-base': '/', interval: '3600' })) {
        el.setAttribute(k, v);
      }
      document.body.append(el);
    }
  }, count);
  await page.waitForFunction((n) => [...document.querySelectorAll('batch-status')]
    .filter((el) => el.shadowRoot?.querySelector('[role=progressbar][aria-valuenow]')).length === n, count);
  const cdp = await context.newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { result: prototype } = await cdp.send('Runtime.evaluate', { expression: 'WebAssembly.Memory.prototype' });
  const { objects } = await cdp.send('Runtime.queryObjects', { prototypeObjectId: prototype.objectId });
  const { result } = await cdp.send('Runtime.callFunctionOn', {
    objectId: objects.objectId, returnByValue: true,
    functionDeclaration: 'function () { return this.reduce((sum, m) => sum + m.buffer.byteLength, 0); }',
  });
  const heap = await page.evaluate(() => performance.memory.usedJSHeapSize);
  await context.close();
  return { total: heap + result.value, wasm: result.value };
}

/**
 * The ms of a CPU profile spent in the page's own code: the samples with a
 * frame of a script or wasm module from ORIGIN anywhere on their stack (so what
 * that code calls, the browser's fetch say, counts; idle time, the clock's and
 * the harness's code do not). Not Performance.getMetrics' ScriptDuration: it
 * leaves out microtasks, where an async function resumes after an await, and
 * so nearly all of the reference's work (it read 0.5 ms for a minute that
 * profiles at over 15 ms).
 */
function ownTime(profile) {
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame.url.startsWith(ORIGIN)]));
  const known = new Map();
  const own = (id) => {
    if (!known.has(id)) known.set(id, frames.get(id) || (parent.has(id) && own(parent.get(id))));
    return known.get(id);
  };
  let micros = 0;
  profile.samples.forEach((id, i) => { if (own(id)) micros += profile.timeDeltas[i] ?? 0; });
  return micros / 1000;
}

async function measureIdle(browser) {
  // The same batch every poll; only the answer's own timestamp moves.
  const polls = Array.from({ length: 15 }, (_, i) => ({ body: body(100, 3, 1764321000000 + i * 5000) }));
  await script('bench-idle', polls);
  const result = { widget: { script: [], longTasks: [] }, reference: { script: [], longTasks: [] } };
  for (let run = 0; run < RUNS; run += 1) {
    for (const name of run % 2 ? ['reference', 'widget'] : ['widget', 'reference']) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.addInitScript(pageHelpers);
      await page.addInitScript(() => {
        window.__longTasks = 0;
        new PerformanceObserver((list) => { window.__longTasks += list.getEntries().length; }).observe({ entryTypes: ['longtask'] });
      });
      await page.clock.install();
      await page.clock.pauseAt(Date.now() + 1000);
      await page.goto(IMPLEMENTATIONS[name]('bench-idle', 5));
      // Not __firstData: it waits on animation frames, which the paused clock holds.
      await page.locator('[role=progressbar][aria-valuenow]').waitFor({ state: 'attached' });
      // The widget's chart loads after its first data: loading is not idling.
      if (name === 'widget') await page.locator('.bs-chart-plot').waitFor({ state: 'attached' });
      const cdp = await context.newCDPSession(page);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await page.evaluate(() => { window.__longTasks = 0; });
      await cdp.send('Profiler.start');
      // A simulated minute, one second at a time: polls every 5 s, same data.
      for (let second = 0; second < 60; second += 1) await page.clock.runFor(1000);
      result[name].script.push(ownTime((await cdp.send('Profiler.stop')).profile));
      result[name].longTasks.push(await page.evaluate(() => window.__longTasks));
      await context.close();
    }
  }
  return result;
}

function sizes() {
  const files = (dir, pattern) => readdirSync(dir).filter((f) => pattern.test(f)).map((f) => `${dir}/${f}`);
  // The same tools and levels as scripts/size-report.sh, so the numbers agree.
  const measure = (paths) => paths.reduce((acc, path) => {
    acc.gzip += execFileSync('gzip', ['-9', '-c', path]).length;
    acc.brotli += execFileSync('brotli', ['-c', '-q', '11', path]).length;
    return acc;
  }, { gzip: 0, brotli: 0 });
  return {
    widget: measure(files('dist', /^batch-status(-widget(_bg)?\.[0-9a-f]{10}\.(js|wasm)|\.js)$/)),
    explorer: measure(files('dist', /^batch-status-explorer(_bg)?\.[0-9a-f]{10}\.(js|wasm)$/)),
    chart: measure(files('dist', /^batch-status-chart(_bg)?\.[0-9a-f]{10}\.(js|wasm)$/)),
    cancel: measure(files('dist', /^batch-status-cancel(_bg)?\.[0-9a-f]{10}\.(js|wasm)$/)),
    reference: measure(files('bench/reference', /\.(js|css)$/)),
  };
}

// ---------------------------------------------------------------- main

async function main() {
  cpSync('bench/reference', 'dist/bench-reference', { recursive: true });
  const sim = spawn('target/debug/sim', ['--port', String(PORT), '--site', 'dist'], { stdio: 'ignore' });
  try {
    for (let i = 0; ; i += 1) {
      try { if ((await fetch(`${ORIGIN}/__sim/health`)).ok) break; } catch { /* not up yet */ }
      if (i > 100) throw new Error('sim did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--js-flags=--expose-gc', '--enable-precise-memory-info'],
    });
    const size = sizes();
    if (ONLY) {
      const measures = {
        boot: () => measureBoot(browser),
        update: async () => {
          const all = {};
          for (const n of SIZES) all[n] = await measureUpdates(browser, n);
          return all;
        },
        explorer: () => measureExplorerPage(browser),
        export: () => measureExport(browser),
        idle: () => measureIdle(browser),
        widgets: async () => ({ one: await measureWidgets(browser, 1), twenty: await measureWidgets(browser, 20) }),
      };
      for (const name of ONLY) {
        const result = await measures[name]();
        const summary = (r) => (Array.isArray(r) ? spread(r) : r.widget && r.reference && Array.isArray(r.widget)
          ? `${spread(r.widget)} vs ${spread(r.reference)} (${ratio(r.widget, r.reference)})`
          : r.widget?.script ? `${spread(r.widget.script)} vs ${spread(r.reference.script)} (${ratio(r.widget.script, r.reference.script)})`
            : JSON.stringify(r));
        if (name === 'update') {
          for (const n of SIZES) console.log(`update ${n}: ${summary(result[n].steady)}; first ${RUNS}: ${summary(result[n].first)}`);
        }
        else console.log(`${name}: ${summary(result)}`);
      }
      await browser.close();
      return;
    }
    console.error('bench: boot'); const boot = await measureBoot(browser);
    const updates = {};
    for (const n of SIZES) { console.error(`bench: update ${n}`); updates[n] = await measureUpdates(browser, n); }
    console.error('bench: explorer'); const explorerPage = await measureExplorerPage(browser);
    console.error('bench: export'); const exported = await measureExport(browser);
    console.error('bench: memory'); const memory = await measureMemory(browser);
    console.error('bench: widgets'); const many = { one: await measureWidgets(browser, 1), twenty: await measureWidgets(browser, 20) };
    console.error('bench: idle'); const idle = await measureIdle(browser);
    await browser.close();

    const kb = (b) => `${(b / 1000).toFixed(1)} KB`;
    const mb = (b) => `${(b / 1e6).toFixed(2)} MB`;
    const totals = (m) => m.map((x) => x.total);
    const growth = (m) => `${(((m[1].total - m[0].total) / m[0].total) * 100).toFixed(1)} %`;
    const growthRatio = (n) => (median(updates[10000].steady[n]) / median(updates[10].steady[n])).toFixed(1);
    const rows = [
      ['Size, gzip (wasm + JS; JS + CSS)', kb(size.widget.gzip), kb(size.reference.gzip), (size.widget.gzip / size.reference.gzip).toFixed(1), '–'],
      ['Size, brotli', kb(size.widget.brotli), kb(size.reference.brotli), (size.widget.brotli / size.reference.brotli).toFixed(1), '–'],
      ['Calls explorer, loaded on first use, gzip (brotli)', `${kb(size.explorer.gzip)} (${kb(size.explorer.brotli)})`, '–', '–', '–'],
      ['Throughput chart, loaded after the first data unless chart="off", gzip (brotli)', `${kb(size.chart.gzip)} (${kb(size.chart.brotli)})`, '–', '–', '–'],
      ['Cancel control, loaded only with allow-cancel, gzip (brotli)', `${kb(size.cancel.gzip)} (${kb(size.cancel.brotli)})`, '–', '–', '–'],
      ['Boot: navigation to first data painted', spread(boot.widget), spread(boot.reference), ratio(boot.widget, boot.reference), '≤ 1.5'],
      ...SIZES.map((n) => [`Update with ${n.toLocaleString('en')} recent calls`, spread(updates[n].steady.widget), spread(updates[n].steady.reference),
        ratio(updates[n].steady.widget, updates[n].steady.reference), n === 100 ? '≤ 1.5 (#12)' : n === 10000 ? '≤ 2.0 (#12)' : '–']),
      ...[100, 10000].map((n) => [`The first ${RUNS} updates after load, ${n.toLocaleString('en')} recent calls`, spread(updates[n].first.widget),
        spread(updates[n].first.reference), ratio(updates[n].first.widget, updates[n].first.reference), '–']),
      ['Calls explorer: one page of 100 calls, against the widget\'s update at 100 recent calls', spread(explorerPage), spread(updates[100].steady.widget),
        ratio(explorerPage, updates[100].steady.widget), '≤ 1.5'],
      [`CSV export of ${exported.rows.toLocaleString('en')} calls: longest task`, `${exported.longest.toFixed(0)} ms`, '–', '–', '≤ 200 ms'],
      ['Update growth, 10 → 10,000 calls (median ×)', `×${growthRatio('widget')}`, `×${growthRatio('reference')}`, '–', '–'],
      ['Memory (JS heap + wasm) after 100 updates', mb(totals(memory.widget)[0]), mb(totals(memory.reference)[0]), (totals(memory.widget)[0] / totals(memory.reference)[0]).toFixed(2), '–'],
      ['Memory after 10,000 updates', mb(totals(memory.widget)[1]), mb(totals(memory.reference)[1]), (totals(memory.widget)[1] / totals(memory.reference)[1]).toFixed(2), '–'],
      ['Wasm linear memory after 100 → 10,000 updates (bytes, exact)', `${kb(memory.widget[0].wasm)} → ${kb(memory.widget[1].wasm)}`, '–', '–', '≤ 512 KB'],
      ['Memory growth, 100 → 10,000 updates', growth(memory.widget), growth(memory.reference), '–', 'widget < 5 %'],
      ['1 widget with 100 recent calls: JS heap + wasm (wasm)', `${mb(many.one.total)} (${kb(many.one.wasm)})`, '–', '–', '–'],
      ['20 widgets with 100 recent calls each: JS heap + all wasm (wasm)', `${mb(many.twenty.total)} (${kb(many.twenty.wasm)})`, '–', '–', '≤ 8 MB'],
      ['Idle: script time over a simulated minute (CPU profile)', spread(idle.widget.script), spread(idle.reference.script), ratio(idle.widget.script, idle.reference.script), '≤ 15 (#12)'],
      ['Idle: long tasks (> 50 ms) over that minute', `max ${Math.max(...idle.widget.longTasks)}`, `max ${Math.max(...idle.reference.longTasks)}`, '–', 'none'],
    ];
    const chromiumVersion = execFileSync(process.env.CHROMIUM || '/usr/bin/chromium', ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString().trim();
    const table = [
      '| measure | widget (min–median–max) | reference | ratio (median, widget / reference) | target |',
      '| --- | --- | --- | --- | --- |',
      ...rows.map((r) => `| ${r.join(' | ')} |`),
    ].join('\n');
    const report = `# Benchmark results\n\nWritten by \`make bench\` on ${new Date().toISOString().slice(0, 10)}: ${chromiumVersion}, headless, ` +
      `${availableParallelism()} cores, \`sim\` on loopback, ${RUNS} runs per timing (widget and reference alternating), ` +
      `${UPDATE_RUNS} per update size. An update is timed once each page has applied ${WARM_UPDATES} (its code optimized, as through a working day); ` +
      `the first ${RUNS} after load have rows of their own. ` +
      'Memory is one run per implementation of 10,000 updates (the heap after a forced GC, plus wasm linear memory). ' +
      'Idle is a simulated minute under Playwright\'s clock, polling every 5 s with the same batch (the answer\'s ' +
      'timestamp moves, as a real server\'s does), timed by a CPU profile of the page\'s own code (sampled every 0.1 ms). ' +
      'The reference is `bench/reference/`: the same fetch, numbers, bar, legend and ten newest calls, by hand.\n\n' +
      `${table}\n`;
    writeFileSync('bench/RESULTS.md', report);
    console.log(table);
  } finally {
    sim.kill();
  }
}

main().catch((error) => { console.error(error); process.exit(1); });
