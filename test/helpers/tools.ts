// Whether a real shell or emulator is here. On a laptop a missing one skips its tests with
// a loud message, and `npm test` counts them as skipped (not passed); under CI=true it fails
// the run, so a green CI always means "really ran".
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export function findTool(name: string): string | undefined {
  if (name.startsWith('/')) {
    try {
      accessSync(name, constants.X_OK);
      return name;
    } catch {
      return undefined;
    }
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * PATH without the directories that hold `name`: for a test of what happens where a tool is
 * not installed, on a machine where it is (CI puts ~/.dotnet/tools, pwsh's, on PATH).
 */
export function pathWithout(name: string, path: string): string {
  return path
    .split(delimiter)
    .filter((dir) => {
      try {
        accessSync(join(dir, name), constants.X_OK);
        return false;
      } catch {
        return true;
      }
    })
    .join(delimiter);
}

/** What scripts/test/uvu.mjs keeps: the test running now, and the ones that were skipped. */
interface Tracking {
  current?: { name: string; skipped: string[] };
}
const tracking = (): Tracking | undefined => (globalThis as { __awsenvTests?: Tracking }).__awsenvTests;
const announced = new Set<string>();

/**
 * Marks the running test as skipped for `why` (it should return at once). Outside a test
 * (a suite's before() or a file's top level) there is nothing to mark: the tests that
 * depend on the missing tool call skip() themselves when they find it missing.
 */
export function skip(why: string): undefined {
  tracking()?.current?.skipped.push(why);
  return undefined;
}

/** The tool's path, or undefined after a loud skip; throws (fails the test) under CI. */
export function requireTool(name: string, why: string): string | undefined {
  const path = findTool(name);
  if (path) return path;
  const message = `${name} is not installed`;
  if (process.env.CI === 'true') throw new Error(`${message}: ${why} (required under CI=true; .ci/run installs it)`);
  // Loud once per tool and file; every test that needs it is counted as skipped.
  if (!announced.has(name)) console.error(`\n!!! SKIPPED: ${message}: ${why}. Install it to run these tests. !!!\n`);
  announced.add(name);
  return skip(message);
}
