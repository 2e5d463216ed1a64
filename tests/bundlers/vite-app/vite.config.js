// No plugin, nothing for the widget: the package's files are found through
// `new URL('./…', import.meta.url)`. The built app goes to target/bundlers/sites.
// Its page is strict-csp.html: the sim serves pages of that name with the strict
// policy the README documents.
import { fileURLToPath } from 'node:url';

export default {
  base: './',
  // The page's icon, shared with the webpack app.
  publicDir: fileURLToPath(new URL('../public', import.meta.url)),
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../../../target/bundlers/sites/vite', import.meta.url)),
    emptyOutDir: true,
    rolldownOptions: { input: fileURLToPath(new URL('./strict-csp.html', import.meta.url)) },
  },
};
