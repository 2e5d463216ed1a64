// batch-status.js: the one script a page loads to use the batch status widget.
//
//   <script type="module" src="https://cdn.example/widgets/batch-status.js"></script>
//   <batch-status batch-id="batch_123" workspace-id="ws_1"></batch-status>
//
// It loads the wasm next to itself (import.meta.url), so the files can live on
// another origin or under any path, and defines <batch-status>. Loading it twice is
// harmless. Everything else (polling, rendering, events) is Rust: this file only
// does what the platform cannot let wasm do: define a custom element class, and
// give each widget its own wasm instance.
//
// Why an instance each: the release build aborts on panic, and an aborted instance
// can never run again. With one instance per widget (the file is downloaded and
// compiled once; each instance only adds its own memory), a bug that crashes one
// widget leaves the others and the host page running, and the crashed widget says
// so and offers to restart.

const GLUE = new URL('./batch-status-widget.js', import.meta.url).href;
const WASM = new URL('./batch-status-widget_bg.wasm', import.meta.url);

async function compile() {
  const response = await fetch(WASM);
  // Each widget then says it could not load; the status is for the console.
  if (!response.ok) throw Error(response.status);
  // Streaming compilation needs the right MIME type; any server can serve bytes.
  return /^application\/wasm\b/.test(response.headers.get('content-type') || '')
    ? WebAssembly.compileStreaming(response)
    : WebAssembly.compile(await response.arrayBuffer());
}

const compiled = compile();
// The first widget's glue, fetched while the wasm compiles rather than after.
const firstGlue = import(GLUE);
firstGlue.catch(() => {});

/** Resolves once the wasm is loaded; rejects if it cannot be (CSP, network). */
export const ready = compiled.then(() => {});
// A failed load is reported in each widget, not as an unhandled rejection.
ready.catch(() => {});

let instances = 0;
/** Instances whose widget was removed cleanly: the next widget reuses one. */
const idle = [];

/**
 * A fresh instance of the widget's wasm with its own memory and scheduler. The
 * glue under a new URL fragment is a new module (one download: the fragment is
 * not sent). A module stays in the page's module map for good, so instances are
 * reused (see `release`) rather than made anew for every widget.
 */
async function freshInstance() {
  instances += 1;
  const glue = await (instances === 1 ? firstGlue : import(`${GLUE}#${instances}`));
  await glue.default({ module_or_path: await compiled });
  return glue;
}

/**
 * An instance for one widget: an idle one, or a fresh one. `onCrash` runs once if
 * it crashes; its document listeners are dropped first (the glue's guard has
 * cancelled its timers).
 */
async function instantiate(onCrash) {
  return watchCrash(idle.pop() || (await freshInstance()), onCrash);
}

/**
 * Runs `onCrash` once if the instance behind `glue` crashes, after dropping the
 * listeners it put on the document (the glue's guard has cancelled its timers).
 */
function watchCrash(glue, onCrash) {
  const lifeline = new AbortController();
  glue.setLifeline(lifeline.signal);
  glue.watchCrash(() => {
    lifeline.abort();
    onCrash();
  });
  return glue;
}

/** Takes back the instance of a widget that was removed cleanly. */
function release(glue) {
  idle.push(glue);
  // Should anything still pending in it crash it, it is never handed out again.
  glue.watchCrash(() => {
    const at = idle.indexOf(glue);
    if (at >= 0) idle.splice(at, 1);
  });
}

const ATTRIBUTES = [
  'batch-id', 'workspace-id', 'api-base', 'api-path', 'interval', 'timeout',
  'mask-phones', 'locale', 'theme', 'max-rows', 'explorer', 'page-size', 'allow-cancel',
  'chart', 'chart-storage', 'share',
];

/**
 * Joins the watchers of one batch in this browser (every widget and tab of
 * this origin), so that one of them polls for all. The rules are the widget's
 * (src/controller/poller.rs, src/controller/share.rs); this holds what only JS
 * can hold for an instance that may crash: the batch's Web Lock, held by the
 * leader, and its BroadcastChannel.
 *
 * `material` is what must be equal to share, the key among it: only its
 * SHA-256 digest names the lock and the channel (SECURITY.md says why that is
 * safe). `tell` hears 1 once this watcher has joined (it follows, and asks
 * the leader for its last answer, which the leader's side answers here), 0
 * when the lock makes it the leader, 2 when sharing is impossible here, and
 * what the others post. Returns `send`: a message for the others, or null to
 * leave; the instance's `lifeline` aborting (a crash) leaves too, so a crashed
 * leader's lock passes on.
 */
function join(material, tell, lifeline) {
  const quit = new AbortController();
  const { signal } = quit;
  let channel;
  let last;
  // Whether a watcher has joined since this one: until then nobody listens,
  // and a leader keeps its answers instead of posting them.
  let others = false;
  const leave = () => {
    quit.abort();
    channel?.close();
  };
  const hear = (what) => signal.aborted || tell(what);
  lifeline?.addEventListener('abort', leave, { signal });
  (async () => {
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(material));
    const name = `batch-status ${btoa(String.fromCharCode(...new Uint8Array(digest)))}`;
    if (signal.aborted) return;
    channel = new BroadcastChannel(name);
    // 4 is a new follower asking for the last answer (the widget's own
    // messages are 3 and answers).
    channel.onmessage = ({ data }) => {
      if (data !== 4) return hear(data);
      others = true;
      if (last) channel.postMessage(last);
    };
    hear(1);
    channel.postMessage(4);
    // Held until this watcher leaves: then the next in line leads.
    await navigator.locks.request(name, { signal }, () => {
      hear(0);
      return new Promise((resolve) => signal.addEventListener('abort', resolve));
    });
  })().catch(() => {
    // No Web Locks, BroadcastChannel or SubtleCrypto (an insecure page, an
    // opaque origin): this widget polls alone.
    channel?.close();
    hear(2);
  });
  return (message) => {
    if (message === null) leave();
    else {
      // Only the leader posts answers (arrays), once anyone has joined since
      // it did (a watcher that joined before it would lead before it): the
      // last is kept for followers that join.
      const answer = typeof message === 'object';
      if (answer) last = message;
      if (others || !answer) channel?.postMessage(message);
    }
  };
}

// What a widget loads on first use, each a wasm of its own that pages which
// never use it never download: the calls explorer and CSV export (part 0,
// fetched when a widget first opens its explorer or a host asks for an export),
// the cancel control (part 1, fetched by widgets with allow-cancel once they
// show a batch) and the throughput chart (part 2, fetched once a widget shows
// a batch's counts, unless chart="off"). One instance of each serves every widget on the page;
// should it crash, what it showed says so, and the next use loads a fresh one.
const PARTS = [
  [new URL('./batch-status-explorer.js', import.meta.url),
    new URL('./batch-status-explorer_bg.wasm', import.meta.url)],
  [new URL('./batch-status-cancel.js', import.meta.url),
    new URL('./batch-status-cancel_bg.wasm', import.meta.url)],
  [new URL('./batch-status-chart.js', import.meta.url),
    new URL('./batch-status-chart_bg.wasm', import.meta.url)],
];
const partLoads = [0, 0, 0];
const partModules = [null, null, null];
/** Runners using each part, told if its instance crashes. */
const partUsers = [new Set(), new Set(), new Set()];

function loadPart(which) {
  if (!partModules[which]) {
    const [glueUrl, wasm] = PARTS[which];
    const loads = ++partLoads[which];
    const url = loads === 1 ? glueUrl : `${glueUrl}#${loads}`;
    const loading = import(url).then(async (glue) => {
      await glue.default({ module_or_path: wasm });
      return watchCrash(glue, () => {
        if (partModules[which] === loading) partModules[which] = null;
        for (const runner of [...partUsers[which]]) runner.partCrashed(which);
      });
    });
    partModules[which] = loading;
    loading.catch(() => {
      if (partModules[which] === loading) partModules[which] = null;
    });
  }
  return partModules[which];
}

/** The parts of each place the card makes (`Place`): the explorer's, and the
 * one under the bar for the cancel control and the chart. */
const PLACE_PARTS = [[0], [1, 2]];

/** Whether an option says off: false, or `off`, `false`, `no`, `0`. */
function off(value) {
  return value === false || /^\s*(off|false|no|0)\s*$/.test(value);
}

/**
 * Whether the host wants part `which` where the card made room for it: the
 * cancel control only with allow-cancel (present, or true, and not off), the
 * chart unless chart is off. The modules check the same again (config.rs).
 */
function wanted(which, options) {
  const allow = options['allow-cancel'] ?? options.allowCancel;
  return which === 1 ? allow != null && !off(allow) : which === 0 || !off(options.chart);
}

/** The key of an options object, as text ('' sends none). */
function keyOf(options) {
  return options.apiKey == null ? '' : String(options.apiKey);
}

/** `exportCalls()` of an element or a mount handle. */
async function exportCalls(options, { status = 'all', onProgress, signal } = {}) {
  const glue = await loadPart(0);
  const result = glue.exportCalls(options, keyOf(options), status, onProgress, signal);
  // A crashed instance answers nothing instead of a promise.
  if (!(result instanceof Promise)) throw Error('The export stopped after an internal error.');
  return result;
}

const CRASH_MESSAGE = 'This widget stopped after an internal error.';
/** A part could not load, or its instance crashed. */
const PART_FAILED = 'This stopped after an internal error.';

function showFailure(root, text) {
  const note = document.createElement('p');
  note.textContent = text;
  note.setAttribute('part', 'error');
  note.setAttribute('role', 'alert');
  root.replaceChildren(note);
}

/** The crashed state: what happened, that nothing else is affected, and Restart. */
function showCrash(root, theme, restart) {
  // Fixed markup (the theme is one of three words), in the widget's own card
  // classes, so its stylesheet and theme still apply.
  root.innerHTML = `<div class="bs-host"><section class="bs theme-${['light', 'dark'].includes(theme) ? theme : 'auto'}" part="root" aria-label="Batch status"><div class="bs-error" part="error" role="alert"><p class="bs-error-title">${CRASH_MESSAGE}</p><p>The rest of the page is not affected. <button type="button" class="bs-refresh" part="restart">Restart</button></p></div></section></div>`;
  root.querySelector('button').addEventListener('click', restart);
}

/**
 * One widget on the page: its wasm instance, its handle, and what happens when it
 * crashes. `options()` gives the options to (re)start with.
 */
class Runner {
  #host;
  #options;
  #glue = null;
  #handle = null;
  /** For each part loaded on first use (0: the explorer, 1: the cancel
   * control, 2: the chart), the place the card made for it, and the part. */
  #places = [null, null, null];
  #parts = [null, null, null];
  #run = 0;
  #paused = false;
  #crashed = false;
  /** openExplorer() asked before the widget was mounted. */
  #wantExplorer = false;

  constructor(host, options) {
    this.#host = host;
    this.#options = options;
  }

  get #root() {
    return this.#host.shadowRoot || this.#host.attachShadow({ mode: 'open' });
  }

  /** Mounts the widget in a fresh instance (again, after a crash). */
  async start() {
    const run = ++this.#run;
    this.#handle = null;
    this.#crashed = false;
    if (this.#host.getAttribute('status') === 'crashed') this.#host.removeAttribute('status');
    let glue;
    try {
      glue = await instantiate(() => this.#crash(run));
    } catch {
      if (run === this.#run) showFailure(this.#root, 'The batch status widget could not load.');
      return;
    }
    if (run !== this.#run) {
      // Stopped, or started again, meanwhile: the instance was never used.
      release(glue);
      return;
    }
    this.#glue = glue;
    this.#handle = this.#guarded(
      run,
      () => glue.mountWidget(this.#host, this.#options(), (place, which) => this.#place(which, place), join),
    );
    if (this.#paused) this.call((handle) => handle.pause());
    if (this.#wantExplorer) this.call((handle) => handle.showExplorer(true));
  }

  /** Polls now; a crashed widget starts again, as its Restart button does. */
  refresh() {
    if (this.#crashed) this.start();
    else this.call((handle) => handle.refresh());
  }

  /** Runs `action` on the handle, if the widget is mounted and alive. */
  call(action) {
    if (this.#handle) this.#guarded(this.#run, () => action(this.#handle));
  }

  set paused(value) {
    this.#paused = value;
    this.call((handle) => (value ? handle.pause() : handle.resume()));
  }

  /** The card made room (`place`) for the parts of place `at`, or took it away (null). */
  #place(at, place) {
    for (const which of PLACE_PARTS[at]) {
      this.#close(which);
      this.#places[which] = place;
      if (place && wanted(which, this.#options())) this.#open(which);
    }
  }

  async #open(which) {
    const place = this.#places[which];
    let glue;
    try {
      glue = await loadPart(which);
    } catch {
      if (place === this.#places[which]) showFailure(place, PART_FAILED);
      return;
    }
    if (place !== this.#places[which] || this.#parts[which]) return;
    const options = this.#options();
    // The explorer's callback closes it; the cancel control's polls now.
    const tell = () => (which ? this.refresh() : this.showExplorer(false));
    const part = glue.open(place, this.#host, options, keyOf(options), tell);
    // A crashed instance answers nothing instead of a handle.
    if (typeof part?.destroy !== 'function') {
      this.partCrashed(which);
      return;
    }
    this.#parts[which] = part;
    partUsers[which].add(this);
  }

  #close(which) {
    const part = this.#parts[which];
    this.#parts[which] = null;
    partUsers[which].delete(this);
    try {
      part?.destroy();
      part?.free();
    } catch {
      // Its instance crashed: nothing of it is left to stop.
    }
  }

  /** Takes every part away, with their places. */
  #closeAll() {
    for (const which of [0, 1, 2]) this.#close(which);
    this.#places = [null, null, null];
  }

  /** Opens the cancel dialog (never a silent DELETE); needs allow-cancel. */
  showCancel() {
    try {
      this.#parts[1]?.show();
    } catch {
      // Its instance crashed: partCrashed says so.
    }
  }

  /** Part `which`'s instance crashed: what this widget showed of it says so. */
  partCrashed(which) {
    this.#parts[which] = null;
    partUsers[which].delete(this);
    const place = this.#places[which];
    if (place) showFailure(place, PART_FAILED);
  }

  /** Options or the key changed: the parts start again with them (or stop,
   * or start, as allow-cancel and chart now say). */
  optionsChanged() {
    for (const which of [0, 1, 2]) {
      const open = Boolean(this.#parts[which]);
      if (open) this.#close(which);
      const want = which ? wanted(which, this.#options()) : open;
      if (want && this.#places[which]) this.#open(which);
    }
  }

  /** Opens (`true`) or closes the calls explorer. */
  showExplorer(open) {
    this.#wantExplorer = open;
    this.call((handle) => handle.showExplorer(open));
  }

  /** Removes the widget; an instance still loading is dropped when it arrives. */
  stop() {
    this.#closeAll();
    this.call((handle) => {
      handle.destroy();
      handle.free();
    });
    // Still alive after destroy(): nothing of this widget is left in it.
    if (this.#handle) release(this.#glue);
    this.#glue = null;
    this.#handle = null;
    this.#crashed = false;
    this.#run += 1;
  }

  #guarded(run, call) {
    try {
      return call();
    } catch {
      // A call that throws has left the instance in an unknown state.
      this.#crash(run);
      return null;
    }
  }

  #crash(run) {
    if (run !== this.#run) return;
    this.#closeAll();
    this.#run += 1;
    this.#crashed = true;
    this.#glue = null;
    this.#handle = null;
    showCrash(this.#root, this.#options().theme, () => this.start());
    this.#host.setAttribute('status', 'crashed');
    this.#host.dispatchEvent(new CustomEvent('batch-error', {
      bubbles: true,
      composed: true,
      detail: { kind: 'crash', status: null, message: CRASH_MESSAGE, final: true },
    }));
  }
}

class BatchStatusElement extends HTMLElement {
  static get observedAttributes() { return ATTRIBUTES; }

  #runner = new Runner(this, () => ({ ...this.#attributes(), apiKey: this.#key }));
  #key = '';

  constructor() {
    super();
    if (!this.shadowRoot) this.attachShadow({ mode: 'open' });
  }

  /** Write-only: the key is kept in memory, never in an attribute. */
  set apiKey(value) {
    this.#key = value == null ? '' : String(value);
    this.#runner.call((handle) => handle.setApiKey(this.#key));
    this.#runner.optionsChanged();
  }

  get apiKey() { return undefined; }

  /** Whether a key has been set. */
  get hasApiKey() { return this.#key !== ''; }

  #attributes() {
    const options = {};
    for (const name of ATTRIBUTES) {
      const value = this.getAttribute(name);
      if (value !== null) options[name] = value;
    }
    return options;
  }

  connectedCallback() {
    // A key set before this class was defined sits on the instance: take it over.
    if (Object.prototype.hasOwnProperty.call(this, 'apiKey')) {
      const key = this.apiKey;
      delete this.apiKey;
      this.apiKey = key;
    }
    this.#runner.start();
  }

  disconnectedCallback() {
    this.#runner.stop();
  }

  attributeChangedCallback(name, oldValue, value) {
    if (oldValue !== value) {
      this.#runner.call((handle) => handle.update({ [name]: value }));
      this.#runner.optionsChanged();
    }
  }

  /** Polls now (a crashed widget starts again). */
  refresh() { this.#runner.refresh(); }

  /** Stops polling until resume(). */
  pause() { this.#runner.paused = true; }

  /** Polls at once if a poll came due while paused, then on schedule. */
  resume() { this.#runner.paused = false; }

  /** Opens the calls explorer in the card (also when `explorer="off"` hides its button). */
  openExplorer() { this.#runner.showExplorer(true); }

  /** Closes the calls explorer. */
  closeExplorer() { this.#runner.showExplorer(false); }

  /** Opens the cancel dialog (with allow-cancel, while the batch runs). */
  cancel() { this.#runner.showCancel(); }

  /** Resolves to a CSV `Blob` of the calls in `status` (default `all`). */
  exportCalls(request) {
    return exportCalls({ ...this.#attributes(), apiKey: this.#key }, request);
  }
}

if (!customElements.get('batch-status')) {
  customElements.define('batch-status', BatchStatusElement);
}

/**
 * Mounts a widget into `element` (in its shadow root) for framework hosts.
 * Returns a handle at once; calls made before the wasm has loaded are applied
 * when it has.
 */
export function mount(element, options = {}) {
  // Every option given so far: what a restart after a crash mounts with.
  const current = { ...options };
  const runner = new Runner(element, () => current);
  runner.start();
  return {
    update(next) {
      Object.assign(current, next);
      runner.call((handle) => handle.update(next));
      runner.optionsChanged();
    },
    refresh() { runner.refresh(); },
    pause() { runner.paused = true; },
    resume() { runner.paused = false; },
    destroy() { runner.stop(); },
    openExplorer() { runner.showExplorer(true); },
    closeExplorer() { runner.showExplorer(false); },
    cancel() { runner.showCancel(); },
    exportCalls(request) { return exportCalls({ ...current }, request); },
  };
}
