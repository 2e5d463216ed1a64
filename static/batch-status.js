// batch-status.js: the one script a page loads to use the batch status widget.
//
//   <script type="module" src="https://cdn.example/widgets/batch-status.js"></script>
//   <batch-status batch-id="batch_123" workspace-id="ws_1"></batch-status>
//
// It loads the wasm next to itself (import.meta.url), so the files can live on
// another origin or under any path, and defines <batch-status>. Loading it twice is
// harmless. Everything else (polling, rendering, events) is Rust: this file only
// does what the platform cannot let wasm do, define a custom element class.

import init, { mountWidget, mountSite as mountSiteCore } from './batch-status-widget.js';

/** Resolves once the wasm is loaded; rejects if it cannot be (CSP, network). */
export const ready = init({ module_or_path: new URL('./batch-status-widget_bg.wasm', import.meta.url) });
// A failed load is reported in each widget, not as an unhandled rejection.
ready.catch(() => {});

const ATTRIBUTES = [
  'batch-id', 'workspace-id', 'api-base', 'api-path', 'interval', 'timeout',
  'mask-phones', 'locale', 'theme', 'max-rows',
];

function showFailure(root, text) {
  const note = document.createElement('p');
  note.setAttribute('part', 'error');
  note.setAttribute('role', 'alert');
  note.textContent = text;
  root.replaceChildren(note);
}

function showLoadFailure(root) {
  showFailure(root, 'The batch status widget could not load.');
}

/**
 * Runs a call into the wasm. Should it fail (a bug in the widget), the failure
 * stays in this widget: its shadow root says so, and the host page goes on.
 */
function guarded(root, call) {
  try {
    return call();
  } catch {
    showFailure(root, 'The batch status widget stopped after an internal error. Reload the page to restart it.');
    return null;
  }
}

class BatchStatusElement extends HTMLElement {
  static get observedAttributes() { return ATTRIBUTES; }

  #handle = null;
  #key = '';
  #paused = false;
  #connections = 0;

  constructor() {
    super();
    if (!this.shadowRoot) this.attachShadow({ mode: 'open' });
  }

  #call(action) {
    if (this.#handle) guarded(this.shadowRoot, () => action(this.#handle));
  }

  /** Write-only: the key is kept in memory, never in an attribute. */
  set apiKey(value) {
    this.#key = value == null ? '' : String(value);
    this.#call((handle) => handle.setApiKey(this.#key));
  }

  get apiKey() { return undefined; }

  /** Whether a key has been set. */
  get hasApiKey() { return this.#key !== ''; }

  #options() {
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
    const connection = ++this.#connections;
    ready.then(() => {
      if (connection !== this.#connections || !this.isConnected || this.#handle) return;
      this.#handle = guarded(this.shadowRoot, () => mountWidget(this, { ...this.#options(), apiKey: this.#key }));
      if (this.#paused) this.#call((handle) => handle.pause());
    }, () => showLoadFailure(this.shadowRoot));
  }

  disconnectedCallback() {
    this.#connections++;
    this.#call((handle) => {
      handle.destroy();
      handle.free();
    });
    this.#handle = null;
  }

  attributeChangedCallback(name, oldValue, value) {
    if (oldValue !== value) this.#call((handle) => handle.update({ [name]: value }));
  }

  /** Polls now. */
  refresh() { this.#call((handle) => handle.refresh()); }

  /** Stops polling until resume(). */
  pause() {
    this.#paused = true;
    this.#call((handle) => handle.pause());
  }

  /** Polls at once if a poll came due while paused, then on schedule. */
  resume() {
    this.#paused = false;
    this.#call((handle) => handle.resume());
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
  let handle = null;
  let destroyed = false;
  let paused = false;
  let pending = { ...options };
  const root = () => element.shadowRoot || element.attachShadow({ mode: 'open' });
  const call = (action) => { if (handle) guarded(root(), () => action(handle)); };
  ready.then(() => {
    if (destroyed) return;
    handle = guarded(root(), () => mountWidget(element, pending));
    pending = null;
    if (paused) call((h) => h.pause());
  }, () => showLoadFailure(root()));
  return {
    update(next) {
      if (handle) call((h) => h.update(next));
      else if (pending) Object.assign(pending, next);
    },
    refresh() { call((h) => h.refresh()); },
    pause() { paused = true; call((h) => h.pause()); },
    resume() { paused = false; call((h) => h.resume()); },
    destroy() {
      destroyed = true;
      pending = null;
      call((h) => {
        h.destroy();
        h.free();
      });
      handle = null;
    },
  };
}

/** Wires up the static site's page: its form, and the slot the widget goes in. */
export function mountSite(form, slot) {
  return ready.then(() => mountSiteCore(form, slot));
}
