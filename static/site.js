// The static site: the form in index.html drives a <batch-status> element. The
// page logic is a small wasm of its own (site/), so pages that only embed the
// widget never download it; batch-status.js defines the element.
import './batch-status.js';
import init, { mountSite } from './batch-status-site.js';

const slot = document.getElementById('widget-slot');
init({ module_or_path: new URL('./batch-status-site_bg.wasm', import.meta.url) })
  .then(() => mountSite(document.getElementById('watch-form'), slot))
  .catch(() => {
    slot.textContent = 'The batch status page could not load.';
  });
