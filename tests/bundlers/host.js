// What both bundled apps run (tests/bundlers/vite-app and webpack-app): two
// <batch-status> elements from the page, and a third widget through the
// package's mount(), which each app imports from its own node_modules and
// passes in. The batch ids come from the page's query, so each test run
// watches batches of its own.

const query = new URLSearchParams(location.search);
const KEY = 'sk_bundler_host';

/** Starts the page's widgets with the package's `mount`. */
export function host(mount) {
  for (const el of document.querySelectorAll('batch-status')) {
    el.setAttribute('batch-id', query.get(el.id) || el.id);
    el.apiKey = KEY;
  }
  return mount(document.getElementById('mounted'), {
    batchId: query.get('mounted') || 'demo-bundler-mounted',
    workspaceId: 'ws_bundler',
    apiBase: '/',
    apiKey: KEY,
  });
}
