// POSIX sh quoting, shared by bash, zsh and sh (dash, ksh, busybox ash).
// Inside single quotes every byte is literal, newlines included; a single quote is
// written as '\'' (close, escaped quote, reopen). No other character needs care.
// https://pubs.opengroup.org/onlinepubs/9699919799/utilities/V3_chap02.html#tag_18_02_02
import { type Dialect, refuseNul } from './dialect.js';

export function posixQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export function posixDialect(shell: string): Dialect {
  return {
    set(name, value) {
      refuseNul(name, shell, value);
      return `export ${name}=${posixQuote(value)};`;
    },
    unset: (name) => `unset ${name};`,
  };
}
