// The Vite app: the shared host (../host.js), and a React host and a Vue host
// of mount(), as the package README shows them (render functions instead of JSX
// and a single-file component, so that no plugin is needed).
import { createElement, useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createApp, h, onBeforeUnmount, onMounted, reactive, ref as vueRef, watch } from 'vue';
import { mount } from '@batch-status/widget';
import { host } from '../host.js';

const COMMON = { workspaceId: 'ws_bundler', apiBase: '/', apiKey: 'sk_bundler_host' };

host(mount);

function BatchStatus({ batchId }) {
  const ref = useRef(null);
  const handle = useRef(null);
  useEffect(() => {
    handle.current = mount(ref.current, { batchId, ...COMMON });
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

const VueBatchStatus = {
  props: ['batchId'],
  setup(props) {
    const el = vueRef(null);
    let handle;
    onMounted(() => { handle = mount(el.value, { batchId: props.batchId, ...COMMON }); });
    watch(() => props.batchId, (batchId) => handle?.update({ batchId }));
    onBeforeUnmount(() => handle?.destroy());
    return () => h('div', { ref: el, id: 'vue-widget' });
  },
};

const vueState = reactive({ batchId: query.get('vue') || 'demo-bundler-vue', shown: true });
createApp({
  render: () => (vueState.shown
    ? h(VueBatchStatus, { batchId: vueState.batchId })
    : h('p', { id: 'vue-gone' }, 'unmounted')),
}).mount('#vue');
window.__vueHost = {
  setBatchId: (id) => { vueState.batchId = id; },
  hide: () => { vueState.shown = false; },
};
