// zsh: POSIX quoting. '\'' stays correct with RC_QUOTES set, since it never writes ''.
import { posixDialect } from './posix.js';

export const zsh = posixDialect('zsh');
