// list's recipe (core/list.ts: what the files alone say of every profile) kept between runs,
// beside the kept indexes of the files' headers (files/index-cache.ts) and on the same terms:
// only for the very files it was made from (both paths, and both files' device, inode, size
// and times to the nanosecond), saved only when both files are more than two seconds old (a
// file changed within the clock tick it was read in could keep all of those), in the
// trusted cache directory, read only as a regular file of this user; anything odd about it
// and it is ignored and the recipe made again. No secret or key is in it: names, regions,
// problems, lines, the digests key ages are kept under, and the session keys that name the
// session files.
import { join } from 'node:path';
import type { AwsFilePaths, IniFile } from '../files/files.js';
import { type IndexCache, oldEnough } from '../files/index-cache.js';
import { PROFILE_KINDS } from '../files/profiles.js';
import { writeFileAtomic } from '../util/atomic.js';
import type { ChunkWriter } from '../util/chunks.js';
import { sha256Hex } from '../util/hash.js';
import { readOwnBytes } from '../util/own-file.js';

/** `kind` of a profile taken the old way at each run. */
export const SLOW = -1;
/** `session`: no session whatever the cache holds; ask the Resolver. (Else: the key's string.) */
export const NO_SESSION = -1;
export const ASK = -2;

/**
 * What the files alone say of every profile, in loadProfiles' order: a column per field,
 * numbers into `strings` (-1: none). Kept between runs by list-cache.ts.
 */
export interface Recipe {
  names: Names;
  /** Index into PROFILE_KINDS, or SLOW. */
  kind: Int32Array;
  region: Int32Array;
  problem: Int32Array;
  /** The lines of its sections (0: none). */
  configLine: Int32Array;
  credentialsLine: Int32Array;
  /** The cache key of the session `use` would look for, NO_SESSION or ASK. */
  session: Int32Array;
  /** SSO profiles that share one token answer share a number (-1: not SSO). */
  sso: Int32Array;
  /** The keyAgeDigest of a long-term key id (AKIA…) whose age list may know. */
  keyId: Int32Array;
  strings: string[];
  /** The rows in list's order, when no locale changes it (every name sorts as root-collation ASCII). */
  order: Int32Array | undefined;
}

/** The profiles' names by row. */
export interface Names {
  readonly length: number;
  get(p: number): string;
  /**
   * When every name is printable ASCII (nothing to escape, a column of width its length):
   * each name's length, and its bytes written out without a string made.
   */
  ascii?: { length(p: number): number; writeTo(p: number, out: ChunkWriter): void };
}

export const namesOf = (names: readonly string[]): Names => ({ length: names.length, get: (p) => names[p]! });

/**
 * A kept recipe's names: lines of its bytes, each decoded when asked for. 50,000 names kept
 * as strings (and the string they were split from) were half of list's live heap, and made
 * V8 grow its young generation as they survived (issue 15, peak memory); decoded as each row
 * is written, they die young.
 */
class NameLines implements Names {
  readonly ascii?: Names['ascii'];

  constructor(
    private readonly bytes: Buffer,
    /** Where each line starts; one more: where the line after the last would. */
    private readonly starts: Int32Array,
    private readonly encoding: 'latin1' | 'utf8',
    printable: boolean,
  ) {
    if (printable) {
      this.ascii = {
        length: (p) => starts[p + 1]! - starts[p]! - 1,
        writeTo: (p, out) => out.bytes(bytes, starts[p]!, starts[p + 1]! - 1),
      };
    }
  }

  get length(): number {
    return this.starts.length - 1;
  }

  get(p: number): string {
    return this.bytes.toString(this.encoding, this.starts[p]!, this.starts[p + 1]! - 1);
  }
}

/** bytes[from, to) as `count` lines, each ending in a line feed; undefined when they are not. */
function nameLines(bytes: Buffer, from: number, to: number, count: number): Names | undefined {
  const starts = new Int32Array(count + 1);
  let ascii = true;
  let at = from;
  for (let p = 0; p < count; p++) {
    starts[p] = at;
    const eol = bytes.indexOf(0x0a, at);
    if (eol < 0 || eol >= to) return undefined;
    at = eol + 1;
  }
  if (at !== to) return undefined;
  starts[count] = to;
  let printable = true;
  for (let i = from; i < to && ascii; i++) {
    const c = bytes[i]!;
    ascii = c < 0x80;
    // What util/printable.ts escapes, of ASCII: C0 controls (but the line feeds between names) and DEL.
    if ((c < 0x20 && c !== 0x0a) || c === 0x7f) printable = false;
  }
  // ASCII decodes the same either way; latin1 is the quicker.
  return new NameLines(bytes, starts, ascii ? 'latin1' : 'utf8', ascii && printable);
}

export const RECIPE_COLUMNS = ['kind', 'region', 'problem', 'configLine', 'credentialsLine', 'session', 'sso', 'keyId'] as const;

/** Fewer profiles are listed fast enough from the files (tests lower it). */
export const LIST_CACHE = { minProfiles: 2000 };
/** Bump when core/list.ts changes what a recipe says (a kept one would say the old thing). */
const VERSION = 1;
const MAX = 256 * 1024 * 1024;

const pathOf = (cache: IndexCache, paths: AwsFilePaths) => join(cache.dir, `${sha256Hex(`${paths.config}\0${paths.credentials}`)}.list`);

/** What tells a file from its next version: the scan's stamp; 'none' for no file (no sections, not indexed). */
function stampOf(file: IniFile): string | undefined {
  return file.indexed?.index.stamp ?? (file.names().length === 0 ? 'none' : undefined);
}

interface Header {
  v: number;
  config: string;
  credentials: string;
  configStamp: string;
  credentialsStamp: string;
  count: number;
  ordered: boolean;
  strings: string[];
}

export function loadRecipe(cache: IndexCache, paths: AwsFilePaths, config: IniFile, credentials: IniFile): Recipe | undefined {
  try {
    const configStamp = stampOf(config);
    const credentialsStamp = stampOf(credentials);
    if (configStamp === undefined || credentialsStamp === undefined || !cache.trusted()) return undefined;
    const bytes = readOwnBytes(pathOf(cache, paths), MAX);
    if (!bytes) return undefined;
    const eol = bytes.indexOf(0x0a);
    if (eol < 0) return undefined;
    const h = JSON.parse(bytes.toString('utf8', 0, eol)) as Header;
    if (h.v !== VERSION || h.config !== paths.config || h.credentials !== paths.credentials || h.configStamp !== configStamp || h.credentialsStamp !== credentialsStamp) return undefined;
    const { count, strings } = h;
    if (!Number.isSafeInteger(count) || count < 0 || !Array.isArray(strings) || !strings.every((s) => typeof s === 'string')) return undefined;
    const body = eol + 1;
    const columns = RECIPE_COLUMNS.length + (h.ordered ? 1 : 0);
    const numbers = body + 4 * columns * count;
    if (body % 4 !== 0 || bytes.byteOffset % 4 !== 0 || bytes.length < numbers) return undefined;
    const column = (i: number) => new Int32Array(bytes.buffer, bytes.byteOffset + body + 4 * i * count, count);
    const names = nameLines(bytes, numbers, bytes.length, count);
    if (!names) return undefined;
    const recipe: Recipe = {
      names,
      kind: column(0),
      region: column(1),
      problem: column(2),
      configLine: column(3),
      credentialsLine: column(4),
      session: column(5),
      sso: column(6),
      keyId: column(7),
      strings,
      order: h.ordered ? column(8) : undefined,
    };
    // Every number in range: a string's, a kind's, a row's.
    const n = strings.length;
    const string = (x: number) => x >= -1 && x < n;
    const seen = h.ordered ? new Uint8Array(count) : undefined;
    for (let p = 0; p < count; p++) {
      const kind = recipe.kind[p]!;
      if (!(kind === SLOW || (kind >= 0 && kind < PROFILE_KINDS.length))) return undefined;
      if (!string(recipe.region[p]!) || !string(recipe.problem[p]!) || !string(recipe.keyId[p]!)) return undefined;
      if (recipe.configLine[p]! < 0 || recipe.credentialsLine[p]! < 0 || recipe.sso[p]! < -1 || recipe.sso[p]! >= count) return undefined;
      const session = recipe.session[p]!;
      if (!(session === ASK || session === NO_SESSION || (session >= 0 && session < n))) return undefined;
      if (seen) {
        const at = recipe.order![p]!;
        if (!(at >= 0 && at < count) || seen[at]) return undefined;
        seen[at] = 1;
      }
    }
    return recipe;
  } catch {
    return undefined;
  }
}

/** Keeps the recipe when both files are old enough to trust their times; failing changes nothing. */
export function saveRecipe(cache: IndexCache, paths: AwsFilePaths, config: IniFile, credentials: IniFile, recipe: Recipe): void {
  try {
    const configStamp = stampOf(config);
    const credentialsStamp = stampOf(credentials);
    if (configStamp === undefined || credentialsStamp === undefined || recipe.names.length < LIST_CACHE.minProfiles) return;
    // The stamp ends in the modification and change times (ns), as the index's: the same rule.
    for (const stamp of [configStamp, credentialsStamp]) {
      if (stamp === 'none') continue;
      const [mtimeNs, ctimeNs] = stamp.split(':').slice(-2).map(BigInt) as [bigint, bigint];
      if (!oldEnough(cache, mtimeNs, ctimeNs)) return;
    }
    const count = recipe.names.length;
    const lines: string[] = [];
    for (let p = 0; p < count; p++) lines.push(`${recipe.names.get(p)}\n`);
    if (lines.some((line) => line.indexOf('\n') !== line.length - 1) || !cache.trusted()) return;
    const header: Header = {
      v: VERSION,
      config: paths.config,
      credentials: paths.credentials,
      configStamp,
      credentialsStamp,
      count,
      ordered: recipe.order !== undefined,
      strings: recipe.strings,
    };
    let head = JSON.stringify(header);
    head += ' '.repeat((4 - ((Buffer.byteLength(head) + 1) % 4)) % 4);
    const columns = [...RECIPE_COLUMNS.map((c) => recipe[c]), ...(recipe.order ? [recipe.order] : [])];
    writeFileAtomic(
      pathOf(cache, paths),
      Buffer.concat([
        Buffer.from(`${head}\n`),
        ...columns.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)),
        Buffer.from(lines.join('')),
      ]),
    );
  } catch {
    // Only speed is lost: the next run makes the recipe again.
  }
}
