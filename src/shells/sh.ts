// POSIX sh: dash, ksh, mksh, busybox ash.
import { posixDialect } from './posix.js';

export const sh = posixDialect('sh');
