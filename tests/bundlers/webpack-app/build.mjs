// Builds the app with webpack's Node API (no CLI), then copies its page beside
// the bundle (strict-csp.html: the sim serves pages of that name with the strict
// policy the README documents). Fails on any webpack error or warning.
import { copyFileSync } from 'node:fs';
import webpack from 'webpack';
import config from './webpack.config.js';

webpack(config, (error, stats) => {
  if (error || stats.hasErrors() || stats.hasWarnings()) {
    console.error(error ?? stats.toString('errors-warnings'));
    process.exit(1);
  }
  copyFileSync(new URL('./strict-csp.html', import.meta.url), `${config.output.path}/strict-csp.html`);
  copyFileSync(new URL('../public/favicon.svg', import.meta.url), `${config.output.path}/favicon.svg`);
});
