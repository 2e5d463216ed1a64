// Memory is bytes, so it can be a test: one widget's wasm linear memory once it
// shows its first data. (Times belong to `make bench`.)
import { test, expect } from '@playwright/test';
import { uniqueBatch, script, openWidget, liveObjects } from './helpers.mjs';

/** The byte length of every live `WebAssembly.Memory` in the page. */
function wasmMemories(page) {
  return liveObjects(page, 'WebAssembly.Memory.prototype', 'function () { return this.map((m) => m.buffer.byteLength); }');
}

test('one widget showing its batch holds at most 128 KB of wasm memory', async ({ page }) => {
  const batch = uniqueBatch('memory');
  await script(page.request, batch, [{ fixture: 'processing-seed' }]);
  // The widget's own instance alone: the chart is a module of its own (below).
  const widget = await openWidget(page, batch, { chart: 'off' });
  await expect(widget.locator('[role=progressbar]')).toHaveAttribute('aria-valuenow', '100');
  const memories = await wasmMemories(page);
  expect(memories).toHaveLength(1);
  console.log(`wasm memory of one widget: ${memories[0]} bytes`);
  // The two pages an instance starts with: the heap begins in them (src/heap.rs).
  expect(memories[0]).toBeLessThanOrEqual(128 * 1024);
});

test('a widget showing a hundred recent calls still holds at most 128 KB', async ({ page }) => {
  const batch = uniqueBatch('memory');
  // The calls are read one at a time and an event's are never all held as
  // summaries: a tree of them all once took a third page.
  const calls = Array.from({ length: 100 }, (_, i) => ({
    jobId: `call_${i}`, status: i % 9 ? 'completed' : 'failed', phone_number: `+1415555${String(i).padStart(4, '0')}`,
    ...(i % 9 ? { completedAt: 1764320000000 + i * 1000, duration: 30 + (i % 40) } : { failedAt: 1764320000000 + i * 1000, error: 'no-answer' }),
  }));
  const body = JSON.stringify({
    id: batch, status: 'processing', totalCalls: 20000,
    progress: { waiting: 14500, active: 50, completed: 5000, failed: 450, total: 20000, startTime: 1764320000000, recent_calls: calls },
    timestamp: 1764321000000,
  });
  await script(page.request, batch, [{ body }]);
  const widget = await openWidget(page, batch, { chart: 'off' });
  await expect(widget.locator('[role=progressbar]')).toHaveAttribute('aria-valuenow', '5450');
  await expect(widget.locator('.bs-calls tbody tr')).not.toHaveCount(0);
  const memories = await wasmMemories(page);
  expect(memories).toHaveLength(1);
  console.log(`wasm memory of one widget with 100 recent calls: ${memories[0]} bytes`);
  expect(memories[0]).toBeLessThanOrEqual(128 * 1024);
});

test('the throughput chart, shared by every widget on the page, holds at most 128 KB more', async ({ page }) => {
  const batch = uniqueBatch('memory');
  await script(page.request, batch, [{ fixture: 'processing-seed' }]);
  const widget = await openWidget(page, batch);
  await expect(widget.locator('[part=chart]')).toBeAttached();
  const memories = await wasmMemories(page);
  expect(memories).toHaveLength(2);
  console.log(`wasm memory of one widget and the chart: ${memories.join(' + ')} bytes`);
  for (const bytes of memories) expect(bytes).toBeLessThanOrEqual(128 * 1024);
});
