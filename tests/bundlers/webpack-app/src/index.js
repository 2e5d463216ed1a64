// The webpack 5 app: the shared host only.
import { mount } from '@batch-status/widget';
import { host } from '../../host.js';

host(mount);
