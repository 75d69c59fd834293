// Editing the text of an AWS shared file without disturbing anything else in it: pure
// functions from text to text. Lines are classified the way configparser reads them
// (ini.ts): headers, `key = value` lines, indented continuation lines of the key above,
// comments and blank lines. An edit replaces, removes or inserts whole key lines (with
// their continuation lines); every other line keeps its bytes, its line ending included,
// and new lines take the file's own line ending. The caller validates the text with
// parseIni first, so these functions only ever see a file the AWS CLI can read.
import { AwsenvError } from '../errors.js';
import { maskKeyId } from '../core/variables.js';
import { isPySpace, parseIni, pyRstrip, pyStrip } from './ini.js';

// No regular expression here may backtrack: a line of `k`, 40,000 spaces and `x = 1` made
// the old `^(.*?)\s*[=:]` and `\s+$` quadratic (6 s for one `clear --stale-tokens`). Every
// scan below is one pass over the line (test/security/linear.test.ts times 1 MB lines).

/** Index of the first character that is not a Python space, or -1 (configparser's indent). */
function firstNonSpace(text: string): number {
  for (let i = 0; i < text.length; i++) if (!isPySpace(text, i)) return i;
  return -1;
}

/**
 * configparser's OPTCRE, `(?P<option>.*?)\s*(?P<vi>[=:])\s*(?P<value>.*)$`: the option ends
 * at the first '=' or ':'. Returns the key (right-stripped) and the text up to and
 * including that separator, or undefined when there is none.
 */
function splitOption(text: string): { key: string; upToSep: string } | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3d || c === 0x3a) return { key: pyRstrip(text.slice(0, i)), upToSep: text.slice(0, i + 1) };
  }
  return undefined;
}

/** configparser's SECTCRE, `\[(?P<header>.+)\]`, matched at the start: up to the last ']'. */
function sectionName(text: string): string | undefined {
  if (text.charCodeAt(0) !== 0x5b) return undefined;
  const close = text.lastIndexOf(']');
  return close > 1 ? text.slice(1, close) : undefined;
}

/** A line of the file: its text and its own terminator ('' for a last line without one). */
export interface Line {
  text: string;
  eol: string;
}

export function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  const re = /\r\n|\r|\n/g;
  let start = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    lines.push({ text: text.slice(start, m.index), eol: m[0] });
    start = m.index + m[0].length;
  }
  if (start < text.length) lines.push({ text: text.slice(start), eol: '' });
  return lines;
}

export const joinLines = (lines: Line[]): string => lines.map((l) => l.text + l.eol).join('');

/** The file's line ending: the first one in it, else \n. */
export function eolOf(text: string): string {
  return /\r\n|\r|\n/.exec(text)?.[0] ?? '\n';
}

/** One key of a section: where its line is, and how many continuation lines follow it. */
export interface KeySpan {
  key: string;
  /** Index of the `key = value` line. */
  start: number;
  /** Indexes of its indented continuation lines (blank or comment lines between stay). */
  continuations: number[];
  /** The value on the key line (continuations are not joined: awsenv's keys are one line). */
  value: string;
}

export interface SectionSpan {
  name: string;
  /** Index of the header line. */
  header: number;
  keys: Map<string, KeySpan>;
  /** Index of the last line that belongs to the section's keys (the header if none). */
  lastKeyLine: number;
}

/** The sections of the text, classified as configparser does (see ini.ts `_read`). */
export function scan(lines: Line[]): SectionSpan[] {
  const sections: SectionSpan[] = [];
  let current: SectionSpan | undefined;
  let option: KeySpan | undefined;
  let indentLevel = 0;
  lines.forEach(({ text }, index) => {
    const stripped = pyStrip(text);
    if (stripped === '' || stripped.startsWith('#') || stripped.startsWith(';')) return;
    const indent = firstNonSpace(text);
    if (current && option && indent > indentLevel) {
      option.continuations.push(index);
      current.lastKeyLine = index;
      return;
    }
    indentLevel = indent;
    const header = sectionName(stripped);
    if (header !== undefined) {
      current = { name: header, header: index, keys: new Map(), lastKeyLine: index };
      sections.push(current);
      option = undefined;
      return;
    }
    const opt = splitOption(stripped);
    if (!current || !opt) return; // parseIni has refused such a file already
    const key = opt.key.toLowerCase();
    option = { key, start: index, continuations: [], value: pyStrip(stripped.slice(opt.upToSep.length)) };
    current.keys.set(key, option);
    current.lastKeyLine = index;
  });
  return sections;
}

/** What an edit does to the lines: replacements, removals and insertions by index. */
class LineEdit {
  private readonly replace = new Map<number, string>();
  private readonly remove = new Set<number>();
  private readonly insertAfter = new Map<number, string[]>();

  constructor(
    private readonly lines: Line[],
    readonly eol: string,
  ) {}

  /** Sets a key's value on its own line, keeping what precedes the value (`key = `). */
  setValue(span: KeySpan, value: string): void {
    const text = this.lines[span.start]!.text;
    // Everything up to and including the separator, then the spaces that followed it
    // (one space when there was no value to keep the spacing of).
    const upToSep = splitOption(text)!.upToSep;
    const space = /^[ \t]*/.exec(text.slice(upToSep.length))![0];
    this.replace.set(span.start, `${upToSep}${span.value === '' ? ' ' : space}${value}`);
    for (const i of span.continuations) this.remove.add(i);
  }

  removeKey(span: KeySpan): void {
    this.remove.add(span.start);
    for (const i of span.continuations) this.remove.add(i);
  }

  insert(after: number, text: string): void {
    const list = this.insertAfter.get(after) ?? [];
    list.push(text);
    this.insertAfter.set(after, list);
  }

  apply(): string {
    const out: Line[] = [];
    this.lines.forEach((line, i) => {
      if (!this.remove.has(i)) out.push({ text: this.replace.get(i) ?? line.text, eol: line.eol });
      const added = this.insertAfter.get(i);
      if (added) {
        // The line before an insertion needs an ending of its own (a last line may lack one).
        const last = out.at(-1);
        if (last && last.eol === '') last.eol = this.eol;
        for (const text of added) out.push({ text, eol: this.eol });
        // Keep a file that ended without a newline ending the same way, if we inserted last.
        if (i === this.lines.length - 1 && line.eol === '' && !this.remove.has(i)) out.at(-1)!.eol = '';
      }
    });
    return joinLines(out);
  }
}

// ---------------------------------------------------------------------------------------
// --save-as: write a session into a section.

export const TOKEN_KEYS = ['aws_session_token', 'aws_security_token'] as const;
/** Keys that other tools use for a session's end (aws-mfa, saml2aws, …); awsenv writes `expiration`. */
export const EXPIRY_KEYS = ['expiration', 'aws_expiration', 'aws_session_expiration', 'x_security_token_expires'] as const;
/** Settings that make a section something other than a plain set of keys. */
const OTHER_CREDENTIAL_KEYS = ['role_arn', 'source_profile', 'credential_source', 'credential_process', 'sso_session', 'sso_start_url', 'mfa_serial'];

export interface SessionToSave {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** RFC 3339; omitted when unknown (then any old expiry line is removed). */
  expiration?: string | undefined;
}

/** The section holds something awsenv must not overwrite; the message names it, not a secret. */
export class RefusedEdit extends AwsenvError {}

/** A section name a credentials file can hold and configparser reads back as itself. */
export function checkSectionName(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (name === 'DEFAULT') return 'is DEFAULT, whose keys every other section inherits';
  if (/[\x00-\x1f\x7f\[\]]/.test(name)) return 'contains a bracket or a control character';
  if (pyStrip(name) !== name) return 'starts or ends with white space';
  return undefined;
}

function checkValue(key: string, value: string): void {
  if (value === '' || /[\x00-\x1f\x7f]/.test(value) || pyStrip(value) !== value) {
    // Names the key only: the value is a secret.
    throw new AwsenvError(`cannot write ${key}: its value is empty, or has white space at an end or a control character`);
  }
}

const hasToken = (s: SectionSpan) => TOKEN_KEYS.some((k) => (s.keys.get(k)?.value ?? '') !== '');
const isLongTermKey = (id: string | undefined) => id !== undefined && id.startsWith('AKIA');

/**
 * Puts `session` into section [name]: a new section at the end of the file, or the keys of
 * an existing section that holds a temporary session (or no credentials at all) replaced
 * where they stand. Refuses a section with long-term keys or with another kind of profile.
 */
export function saveSession(
  text: string,
  file: string,
  name: string,
  session: SessionToSave,
): { text: string; action: 'added' | 'replaced' } {
  const values: [string, string][] = [
    ['aws_access_key_id', session.accessKeyId],
    ['aws_secret_access_key', session.secretAccessKey],
    ['aws_session_token', session.sessionToken],
  ];
  if (session.expiration !== undefined) values.push(['expiration', session.expiration]);
  for (const [key, value] of values) checkValue(key, value);

  const lines = splitLines(text);
  const edit = new LineEdit(lines, eolOf(text));
  const section = scan(lines).find((s) => s.name === name);
  if (!section) {
    // A new section at the end, after a blank line when the file has content.
    const block = [`[${name}]`, ...values.map(([k, v]) => `${k} = ${v}`)];
    const eol = eolOf(text);
    let next = block.map((l) => l + eol).join('');
    if (lines.length > 0) {
      const lastBlank = pyStrip(lines.at(-1)!.text) === '';
      const ending = lines.at(-1)!.eol === '' ? eol : '';
      next = text + ending + (lastBlank ? '' : eol) + next;
    }
    checkSaved(next, file, name, session);
    return { text: next, action: 'added' };
  }

  const where = `section [${name}] of ${file} (line ${section.header + 1})`;
  const keyId = section.keys.get('aws_access_key_id')?.value;
  if (keyId !== undefined && (isLongTermKey(keyId) || !hasToken(section))) {
    const what = isLongTermKey(keyId) ? 'long-term keys' : 'keys without a session token, that is long-term keys';
    throw new RefusedEdit(
      `${where} holds ${what} (${maskKeyId(keyId)}); awsenv will not overwrite them. Save the session under another name`,
    );
  }
  const other = OTHER_CREDENTIAL_KEYS.find((k) => section.keys.has(k));
  if (other) {
    throw new RefusedEdit(`${where} has ${other}; awsenv will not turn it into a saved session. Save the session under another name`);
  }

  // New keys go after the section's last key, indented like it, so that configparser
  // reads them as keys and every line after them as it did before.
  const lastKey = [...section.keys.values()].reduce((a, b) => (b.start > a ? b.start : a), section.header);
  const lead = /^[ \t]*/.exec(lines[lastKey]!.text)![0];
  for (const [key, value] of values) {
    const span = section.keys.get(key);
    if (span) edit.setValue(span, value);
    else edit.insert(section.lastKeyLine, `${lead}${key} = ${value}`);
  }
  // What described the old session and would now contradict the new one.
  for (const key of ['aws_security_token', ...EXPIRY_KEYS]) {
    if (key === 'expiration' && session.expiration !== undefined) continue;
    const span = section.keys.get(key);
    if (span) edit.removeKey(span);
  }
  const next = edit.apply();
  checkSaved(next, file, name, session);
  return { text: next, action: 'replaced' };
}

/** The edit, read back as the AWS CLI will read it: the section holds exactly the session. */
export function checkSaved(text: string, file: string, name: string, session: SessionToSave): void {
  const section = parseIni(file, text).find((s) => s.name === name);
  const get = (key: string) => section?.values.get(key)?.value;
  const ok =
    get('aws_access_key_id') === session.accessKeyId &&
    get('aws_secret_access_key') === session.secretAccessKey &&
    get('aws_session_token') === session.sessionToken &&
    (session.expiration === undefined || get('expiration') === session.expiration);
  if (!ok) throw new AwsenvError(`internal error: the edit of ${file} would not read back as the saved session; nothing was written`);
}

// ---------------------------------------------------------------------------------------
// clear --stale-tokens: drop session tokens that can only cause "invalid security token".

export interface StaleChange {
  section: string;
  /** 1-based line of the section header. */
  line: number;
  reason: 'long-term-key' | 'expired';
  /** The keys removed, in file order. */
  removed: string[];
  /** The masked key id, when the section has one. */
  keyId?: string;
  /** When the session ended, for reason 'expired'. */
  expiredAt?: string;
}

/** The first expiry key with a date in it; undefined when there is none or none parses. */
function expiryOf(s: SectionSpan): Date | undefined {
  for (const key of EXPIRY_KEYS) {
    const value = s.keys.get(key)?.value;
    if (!value) continue;
    // Epoch seconds, or a date; a number beyond what a Date holds is no date (not a crash).
    const t = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value);
    if (!Number.isNaN(t) && Math.abs(t) <= 8.64e15) return new Date(t);
  }
  return undefined;
}

/**
 * Removes `aws_session_token`/`aws_security_token` (with their expiry lines) where they sit
 * next to a long-term AKIA key (cause 4 of CONTRACT.md), or where the session has expired
 * (cause 6). An expired session's ASIA key and secret go too: without the token they are
 * useless and fail with the same "invalid security token". Anything else stays.
 */
export function dropStaleTokens(text: string, now: Date): { text: string; changes: StaleChange[] } {
  const lines = splitLines(text);
  const edit = new LineEdit(lines, eolOf(text));
  const changes: StaleChange[] = [];
  for (const s of scan(lines)) {
    if (!TOKEN_KEYS.some((k) => s.keys.has(k))) continue;
    const keyId = s.keys.get('aws_access_key_id')?.value;
    const expiry = expiryOf(s);
    let drop: string[];
    let reason: StaleChange['reason'];
    if (isLongTermKey(keyId)) {
      reason = 'long-term-key';
      drop = [...TOKEN_KEYS, ...EXPIRY_KEYS];
    } else if (expiry && expiry.getTime() <= now.getTime()) {
      reason = 'expired';
      drop = [...TOKEN_KEYS, ...EXPIRY_KEYS];
      if (keyId?.startsWith('ASIA')) drop.push('aws_access_key_id', 'aws_secret_access_key');
    } else {
      continue;
    }
    const spans = drop.map((k) => s.keys.get(k)).filter((x): x is KeySpan => x !== undefined);
    spans.sort((a, b) => a.start - b.start).forEach((span) => edit.removeKey(span));
    changes.push({
      section: s.name,
      line: s.header + 1,
      reason,
      removed: spans.map((span) => span.key),
      ...(keyId ? { keyId: maskKeyId(keyId) } : {}),
      ...(reason === 'expired' ? { expiredAt: expiry!.toISOString().replace(/\.\d{3}Z$/, 'Z') } : {}),
    });
  }
  return { text: changes.length ? edit.apply() : text, changes };
}

// ---------------------------------------------------------------------------------------
// rotate: swap a profile's long-term key pair where it stands.

export interface KeyPair {
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * Replaces the key pair of section [name] whose aws_access_key_id is `from` with `to`, on
 * the lines where they stand (every section of that name holding `from`, so that a file
 * with a repeated section reads back the same). Nothing else changes. Refuses when no such
 * section holds `from`: the file changed since it was read, and awsenv must not guess.
 */
export function replaceKeys(text: string, file: string, name: string, from: string, to: KeyPair): string {
  checkValue('aws_access_key_id', to.accessKeyId);
  checkValue('aws_secret_access_key', to.secretAccessKey);
  const lines = splitLines(text);
  const edit = new LineEdit(lines, eolOf(text));
  const sections = scan(lines).filter((s) => s.name === name && s.keys.get('aws_access_key_id')?.value === from);
  if (sections.length === 0) {
    throw new RefusedEdit(`section [${name}] of ${file} no longer holds the key ${maskKeyId(from)} (was the file changed meanwhile?); it was left as it was`);
  }
  for (const section of sections) {
    edit.setValue(section.keys.get('aws_access_key_id')!, to.accessKeyId);
    const secret = section.keys.get('aws_secret_access_key');
    if (!secret) throw new RefusedEdit(`section [${name}] of ${file} (line ${section.header + 1}) has no aws_secret_access_key; it was left as it was`);
    edit.setValue(secret, to.secretAccessKey);
  }
  const next = edit.apply();
  // Read back as the AWS CLI will: the (last) section of that name now holds the new pair.
  const back = parseIni(file, next).filter((s) => s.name === name).at(-1);
  if (back?.values.get('aws_access_key_id')?.value !== to.accessKeyId || back?.values.get('aws_secret_access_key')?.value !== to.secretAccessKey) {
    throw new AwsenvError(`internal error: the edit of ${file} would not read back as the new key; nothing was written`);
  }
  return next;
}
