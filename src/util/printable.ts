// Text from outside (profile names, regions, AWS_PROFILE, STS and SSO messages, file paths)
// shown to a person: control characters escaped, so that a profile named
// `ESC ] 0 ; title BEL` cannot retitle the terminal, move the cursor, hide a line or
// fake one. Machine output (the shell statements, --json) never goes through here.

/** Names for the escapes a person recognises; everything else is \xHH or \uHHHH. */
const NAMED: Record<string, string> = { '\x1b': '\\e', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f', '\v': '\\v', '\0': '\\0' };

/**
 * C0 controls, DEL, C1 controls (U+0080–U+009F: 0x9B is a one-byte CSI on terminals that
 * read C1), the line and paragraph separators, and the bidirectional overrides and isolates
 * that make a terminal show text in another order than it is ("Trojan Source",
 * https://trojansource.codes). One pass, no backtracking.
 */
const CONTROL = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeOne(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One field for a person: every control character escaped, line breaks included. */
export function printable(text: string): string {
  return text.replace(CONTROL, escapeOne);
}

/** A message of one or more lines for a person: each line escaped, the line breaks kept. */
export function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}

const ANY_CONTROL = new RegExp(CONTROL.source);
/** Whether printable() would change `text` (one test over many names joined, say). */
export function needsEscape(text: string): boolean {
  return ANY_CONTROL.test(text);
}
