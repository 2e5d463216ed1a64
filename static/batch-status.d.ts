// Types for batch-status.js, the batch status widget's entry script.

/** Options of `mount()` and `handle.update()`. Every field is optional in `update`. */
export interface BatchStatusOptions {
  /** The batch to watch: letters, digits, `_` and `-`, at most 128. */
  batchId?: string | null;
  /** Sent as the `x-workspace-id` header. */
  workspaceId?: string | null;
  /** API origin, optionally with a path prefix, or a root-relative path for a same-origin proxy. Default `https://api.trillet.ai`. */
  apiBase?: string | null;
  /** Path of the batch endpoints. Default `/v1/api/batch-calls`. */
  apiPath?: string | null;
  /** Seconds between polls, 1 to 3600. Default 5. */
  interval?: number | string | null;
  /** Request timeout in seconds, 1 to 120. Default 10. */
  timeout?: number | string | null;
  /** Mask phone numbers (default true). */
  maskPhones?: boolean | "on" | "off" | null;
  /** BCP 47 locale for numbers and times. Default: the browser's. */
  locale?: string | null;
  /** Colour scheme. Default `auto` (follows prefers-color-scheme). */
  theme?: "light" | "dark" | "auto" | null;
  /** Rows of the recent-calls table, 0 to 500. Default 10. */
  maxRows?: number | string | null;
  /** The "Show all calls" control under the recent calls (default on). Off hides the control only: `openExplorer()` still opens it. */
  explorer?: boolean | "on" | "off" | null;
  /** Calls per page of the calls explorer, 1 to 100. Default 25. */
  pageSize?: number | string | null;
  /**
   * Offers "Cancel batch…" while the batch is queued or processing (default off).
   * As an attribute, `allow-cancel` on its own turns it on; `off` turns it off.
   */
  allowCancel?: boolean | "on" | "off" | "" | null;
  /** The throughput chart under the progress bar (default on); off downloads none. */
  chart?: boolean | "on" | "off" | null;
  /** Keep the chart's history in `sessionStorage` across a reload (default on; never the key). */
  chartStorage?: boolean | "on" | "off" | null;
  /**
   * Share one poll with the other widgets and tabs of this origin watching the same batch,
   * with the same API base and path, workspace, interval and key (default on).
   */
  share?: boolean | "on" | "off" | null;
  /**
   * Sent as `x-api-key`. Omit (or empty) when a same-origin proxy adds it. Never stored in the DOM.
   * In `update()`: `undefined` (or leaving it out) keeps the key; `null` resets it, so no key is sent.
   */
  apiKey?: string | null;
}

/** A state of the calls explorer and of `exportCalls()`: the `/calls` endpoint's `status`. */
export type CallState = "all" | "waiting" | "active" | "completed" | "failed";

/** What `exportCalls()` exports. */
export interface ExportRequest {
  /** Which calls. Default `all`. */
  status?: CallState;
  /** Called after each page (100 calls) with the rows written so far and the calls in the state. */
  onProgress?: (rows: number, total: number) => void;
  /** Aborting it stops the export; the promise then rejects with an `AbortError`. */
  signal?: AbortSignal;
}

/** What the calls explorer and the export add to the element and the handle. */
export interface CallsExplorer {
  /** Opens the calls explorer in the card (its code loads on first use). */
  openExplorer(): void;
  /** Closes it; the focus goes back to its control. */
  closeExplorer(): void;
  /**
   * Every call in a state as a CSV file (UTF-8 with a BOM, RFC 4180, formulas
   * defused, phones masked unless masking is off), with no UI. Fetches 100 calls a
   * request, one at a time, and stops at 100,000 rows. Rejects with the error's
   * message (never the key) when the API refuses.
   */
  exportCalls(request?: ExportRequest): Promise<Blob>;
}

/** The cancel control (with `allowCancel`). */
export interface CancelControl {
  /**
   * Opens the cancel dialog, as "Cancel batch…" does; it never cancels by itself.
   * Does nothing without `allowCancel`, once the batch has ended, or while a cancel is in flight.
   */
  cancel(): void;
}

/** Returned by `mount()`. */
export interface BatchStatusHandle extends CallsExplorer, CancelControl {
  /** Changes options; unnamed ones keep their values, `null` resets one to its default (`apiKey: null` removes the key). */
  update(options: BatchStatusOptions): void;
  /** Polls now; a crashed widget starts again. */
  refresh(): void;
  /** Stops polling until `resume()`. */
  pause(): void;
  /** Polls at once if a poll came due while paused, then on schedule. */
  resume(): void;
  /** Removes the widget and stops every timer, request and listener it started. */
  destroy(): void;
}

/** A recent call as carried in events; phone numbers masked unless masking is off. */
export interface CallSummary {
  jobId: string | null;
  status: string;
  phoneNumber: string | null;
  endedAt: number | null;
  duration: number | null;
  error: string | null;
}

/** `event.detail` of `batch-update` and `batch-complete`. */
export interface StatusSummary {
  batchId: string | null;
  status: "queued" | "processing" | "completed" | "cancelled" | "failed" | "other" | "unknown";
  statusText: string | null;
  isComplete: boolean;
  /** False when the body held no readable count: the counts below are zeros that mean "not said". */
  countsKnown: boolean;
  total: number;
  waiting: number;
  active: number;
  completed: number;
  failed: number;
  percentFinished: number;
  startTime: number | null;
  completedTime: number | null;
  averageCallDuration: number | null;
  etaMs: number | null;
  /** Calls a minute the estimate assumes: the calls left over the time left. */
  ratePerMinute: number | null;
  /** The share of finished calls that completed, 0 to 1; null before any has finished. */
  successRate: number | null;
  recentCalls: CallSummary[];
}

/** `event.detail` of `batch-error`. Never contains the API key. */
export interface ErrorSummary {
  /**
   * `crash`: the widget stopped after an internal error (it shows a Restart button).
   * `settings`: a setting or the key cannot be used (for example a character no HTTP header can carry); nothing is requested until it changes.
   */
  kind: "network" | "timeout" | "unauthorized" | "forbidden" | "not-found" | "rate-limited" | "http" | "malformed" | "too-large" | "crash" | "settings";
  status: number | null;
  message: string;
  /** True when polling stopped because retrying cannot help. */
  final: boolean;
}

/** `event.detail` of `batch-cancel-request`, sent before the DELETE; `preventDefault()` stops it. */
export interface CancelRequest {
  batchId: string;
}

/** `event.detail` of `batch-cancelled`: what the API says the cancel did. */
export interface CancelResult {
  batchId: string;
  /** Queued calls that will not be made. */
  cancelledCalls: number;
  completedCalls: number;
  failedCalls: number;
  totalCalls: number;
  /** What the widget showed. */
  message: string;
}

/** Resolves when the wasm has loaded and compiled. */
export const ready: Promise<unknown>;

/** Mounts a widget in `element`'s shadow root. */
export function mount(element: HTMLElement, options?: BatchStatusOptions): BatchStatusHandle;

/** The `<batch-status>` element. */
export interface BatchStatusElement extends HTMLElement, CallsExplorer, CancelControl {
  /** Write-only. */
  apiKey: string | undefined;
  readonly hasApiKey: boolean;
  /** Polls now; a crashed widget starts again. */
  refresh(): void;
  pause(): void;
  resume(): void;
}

declare global {
  interface HTMLElementTagNameMap {
    "batch-status": BatchStatusElement;
  }
  interface HTMLElementEventMap {
    "batch-update": CustomEvent<StatusSummary>;
    "batch-complete": CustomEvent<StatusSummary>;
    "batch-error": CustomEvent<ErrorSummary>;
    "batch-cancel-request": CustomEvent<CancelRequest>;
    "batch-cancelled": CustomEvent<CancelResult>;
  }
}
