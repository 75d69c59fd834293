// bash: POSIX quoting; `export NAME='value'` is read identically by bash in any mode.
import { posixDialect } from './posix.js';

export const bash = posixDialect('bash');
