// A TypeScript host of the package, as its README shows: `tsc --noEmit` must
// accept it against the packed types (tests/bundlers/package.test.mjs).
import { mount, ready, type BatchStatusElement, type StatusSummary } from '@batch-status/widget';

const el: BatchStatusElement = document.createElement('batch-status');
el.apiKey = 'sk_from_the_host_session';
el.setAttribute('batch-id', 'batch_1');
document.body.append(el);

el.addEventListener('batch-update', (event) => {
  const summary: StatusSummary = event.detail;
  const percent: number = event.detail.percentFinished;
  const left: number | null = event.detail.etaMs;
  const firstCall = event.detail.recentCalls[0]?.status;
  console.log(summary.batchId, percent, left, firstCall);
});
el.addEventListener('batch-error', (event) => console.log(event.detail.message));
el.addEventListener('batch-cancel-request', (event) => {
  if (event.detail.batchId === 'keep') event.preventDefault();
});
el.addEventListener('batch-cancelled', (event) => console.log(event.detail.batchId));
el.addEventListener('batch-complete', (event) => console.log(event.detail.isComplete));

const found = document.querySelector('batch-status');
found?.refresh();

const handle = mount(document.createElement('div'), { batchId: 'b1', workspaceId: 'ws1', interval: 5 });
handle.update({ apiKey: null });
handle.pause();
handle.resume();
void ready.then(() => handle.destroy());
