// The static site: the form and widget page, all drawn by the wasm.
import { mountSite } from './batch-status.js';

mountSite(document.getElementById('app')).catch(() => {
  document.getElementById('app').textContent = 'The batch status widget could not load.';
});
