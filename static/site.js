// The static site: the form in index.html drives a <batch-status> element.
import { mountSite } from './batch-status.js';

mountSite(document.getElementById('watch-form'), document.getElementById('widget-slot')).catch(() => {
  document.getElementById('widget-slot').textContent = 'The batch status widget could not load.';
});
