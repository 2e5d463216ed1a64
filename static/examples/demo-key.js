// The simulated API (make demo) accepts any key. A real page would not ship a key
// at all: point api-base at a same-origin proxy that adds it (see deploy/), or set
// el.apiKey from the page's own session. Never put the key in an attribute.
for (const widget of document.querySelectorAll('batch-status')) {
  widget.apiKey = 'demo-key';
}
