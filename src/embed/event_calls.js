// Appended to the widget's wasm-bindgen glue by scripts/build-site.sh, where the
// glue's import of `buildCalls` finds it by name (as the guard's timer functions
// are found). The wasm hands over every text of an event's recent calls as one
// string and every number as one array: two crossings instead of a hundred
// objects set field by field, each key and value a call of its own.

/**
 * The `recentCalls` of a `batch-update` detail. `numbers` holds six per call:
 * the UTF-16 lengths of its jobId, status, phoneNumber and error within `text`
 * (in that order; -1 for null), then endedAt and duration (NaN for null).
 */
function buildCalls(text, numbers) {
  const calls = [];
  let at = 0;
  const string = (length) => (length < 0 ? null : text.slice(at, (at += length)));
  const number = (value) => (Number.isNaN(value) ? null : value);
  for (let i = 0; i < numbers.length; i += 6) {
    const [jobId, status, phoneNumber, error] = [0, 1, 2, 3].map((k) => string(numbers[i + k]));
    calls.push({
      jobId, status, phoneNumber, endedAt: number(numbers[i + 4]), duration: number(numbers[i + 5]), error,
    });
  }
  return calls;
}
