// Appended to wasm-bindgen's glue by scripts/guard-glue.sh. The entry script
// imports its own copy of the glue for every widget, so all of this is per widget.
//
// The release build aborts on panic: a panic traps, and the instance is left
// half-way through whatever it was doing (borrows held, Yew's scheduler locked).
// Nothing may run in it again. So every call into the wasm goes through
// `guardExports`: the first exception that escapes the wasm marks the instance
// crashed, cancels its timers and tells the entry script, which shows the error in
// that widget; later calls (a timer that was due, a late fetch answer) return at
// once without entering the wasm. Nothing is thrown at the host page.

// `depth` counts calls into the wasm in progress: JS the wasm calls (an event
// listener, say) may call back into it.
const guardState = { crashed: false, onCrash: null, timers: new Set(), depth: 0 };

// What a call into a crashed instance answers. The glue reads some answers as a
// `[value, isError]` pair; an empty array reads as "no value, no error" there and
// as nothing everywhere else, so no glue code throws on the way out.
const GUARD_NOTHING = Object.freeze([]);

function guardCrash() {
  if (guardState.crashed) return;
  guardState.crashed = true;
  for (const id of guardState.timers) globalThis.clearTimeout(id);
  guardState.timers.clear();
  guardState.onCrash?.();
}

/** The instance's exports, each behind the crash boundary. */
function guardExports(exports) {
  const guarded = {};
  for (const [name, value] of Object.entries(exports)) {
    guarded[name] = typeof value !== 'function' ? value : (...args) => {
      if (guardState.crashed) return GUARD_NOTHING;
      guardState.depth += 1;
      try {
        return value(...args);
      } catch (error) {
        guardCrash();
        // Inside an outer call the wasm frames below must not go on as if nothing
        // happened: let the error unwind them; the outermost call swallows it.
        if (guardState.depth > 1) throw error;
        return GUARD_NOTHING;
      } finally {
        guardState.depth -= 1;
      }
    };
  }
  return guarded;
}

// The glue calls the timer functions by their global names; inside this module
// these declarations answer instead, so a crash can cancel what the wasm started.
// No module uses setInterval (scripts/guard-glue.sh checks), so it has none.
function setTimeout(handler, ms) {
  const id = globalThis.setTimeout(() => {
    guardState.timers.delete(id);
    handler();
  }, ms);
  guardState.timers.add(id);
  return id;
}

function clearTimeout(id) {
  guardState.timers.delete(id);
  globalThis.clearTimeout(id);
}

/** Calls `callback` once, when this instance crashes (at once if it has). */
export function watchCrash(callback) {
  guardState.onCrash = callback;
  if (guardState.crashed) callback();
}
