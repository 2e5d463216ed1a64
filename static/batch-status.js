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

function showLoadFailure(root) {
  const note = document.createElement('p');
  note.setAttribute('part', 'error');
  note.setAttribute('role', 'alert');
  note.textContent = 'The batch status widget could not load.';
  root.replaceChildren(note);
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

  /** Write-only: the key is kept in memory, never in an attribute. */
  set apiKey(value) {
    this.#key = value == null ? '' : String(value);
    if (this.#handle) this.#handle.setApiKey(this.#key);
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
      this.#handle = mountWidget(this, { ...this.#options(), apiKey: this.#key });
      if (this.#paused) this.#handle.pause();
    }, () => showLoadFailure(this.shadowRoot));
  }

  disconnectedCallback() {
    this.#connections++;
    if (this.#handle) {
      this.#handle.destroy();
      this.#handle.free();
      this.#handle = null;
    }
  }

  attributeChangedCallback(name, oldValue, value) {
    if (this.#handle && oldValue !== value) this.#handle.update({ [name]: value });
  }

  /** Polls now. */
  refresh() { if (this.#handle) this.#handle.refresh(); }

  /** Stops polling until resume(). */
  pause() {
    this.#paused = true;
    if (this.#handle) this.#handle.pause();
  }

  /** Polls at once if a poll came due while paused, then on schedule. */
  resume() {
    this.#paused = false;
    if (this.#handle) this.#handle.resume();
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
  ready.then(() => {
    if (destroyed) return;
    handle = mountWidget(element, pending);
    pending = null;
    if (paused) handle.pause();
  }, () => showLoadFailure(element.shadowRoot || element.attachShadow({ mode: 'open' })));
  return {
    update(next) {
      if (handle) handle.update(next);
      else if (pending) Object.assign(pending, next);
    },
    refresh() { if (handle) handle.refresh(); },
    pause() { paused = true; if (handle) handle.pause(); },
    resume() { paused = false; if (handle) handle.resume(); },
    destroy() {
      destroyed = true;
      pending = null;
      if (handle) {
        handle.destroy();
        handle.free();
        handle = null;
      }
    },
  };
}

/** Wires up the static site's page: its form, and the slot the widget goes in. */
export function mountSite(form, slot) {
  return ready.then(() => mountSiteCore(form, slot));
}
