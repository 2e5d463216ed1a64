// The Vite app: the shared host (../host.js) and a React host of mount().
import { createElement, useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { mount } from '@batch-status/widget';
import { host } from '../host.js';

host(mount);

// As the package README shows, without JSX so that no plugin is needed.
function BatchStatus({ batchId }) {
  const ref = useRef(null);
  const handle = useRef(null);
  useEffect(() => {
    handle.current = mount(ref.current, { batchId, workspaceId: 'ws_bundler', apiBase: '/', apiKey: 'sk_bundler_host' });
    return () => handle.current.destroy();
  }, []);
  useEffect(() => {
    handle.current?.update({ batchId });
  }, [batchId]);
  return createElement('div', { ref, id: 'react-widget' });
}

function App({ initial }) {
  const [batchId, setBatchId] = useState(initial);
  const [shown, setShown] = useState(true);
  // The test drives the host as a parent component would: new props, then unmount.
  window.__reactHost = { setBatchId, hide: () => setShown(false) };
  return shown ? createElement(BatchStatus, { batchId }) : createElement('p', { id: 'react-gone' }, 'unmounted');
}

const query = new URLSearchParams(location.search);
createRoot(document.getElementById('react')).render(
  createElement(App, { initial: query.get('react') || 'demo-bundler-react' }),
);
