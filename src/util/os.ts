// node:os, loaded on first use: loading it costs 0.15 ms of a 25 ms `use` (see the speed
// issue), and a `use` needs it only without HOME, for a role's default session name, or to
// name a temporary file when it writes.
export const os = (): typeof import('node:os') => process.getBuiltinModule('node:os');
