// What a framework host does: mount into an element it owns, update on prop
// changes, destroy on unmount.
import { mount } from '../batch-status.js';

const slot = document.getElementById('slot');
const log = document.getElementById('log');
let batch = 1;

const handle = mount(slot, {
  batchId: `demo-js-api-${batch}`,
  workspaceId: 'ws_demo',
  apiBase: '/',
  interval: 2,
  apiKey: 'demo-key', // the simulated API accepts any key
});

slot.addEventListener('batch-update', (event) => {
  log.textContent = `batch-update: ${event.detail.batchId} ${event.detail.status} ${event.detail.percentFinished}%`;
});
slot.addEventListener('batch-complete', (event) => {
  log.textContent = `batch-complete: ${event.detail.batchId}`;
});

document.getElementById('switch').addEventListener('click', () => {
  batch += 1;
  handle.update({ batchId: `demo-js-api-${batch}` });
});
document.getElementById('refresh').addEventListener('click', () => handle.refresh());
document.getElementById('destroy').addEventListener('click', () => handle.destroy());
