// No loader, no plugin, nothing for the widget: webpack 5 emits the package's
// files as assets from `new URL('./…', import.meta.url)`. The built app goes to
// target/bundlers/sites/webpack, beside a copy of its page.
import { fileURLToPath } from 'node:url';

export default {
  mode: 'production',
  entry: './src/index.js',
  experiments: { outputModule: true },
  output: {
    path: fileURLToPath(new URL('../../../target/bundlers/sites/webpack', import.meta.url)),
    filename: 'main.js',
    module: true,
    clean: true,
  },
  performance: { hints: false },
};
