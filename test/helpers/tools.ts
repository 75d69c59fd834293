// Whether a real shell or emulator is here. On a laptop a missing one skips its tests with
// a loud message; under CI=true it fails the run, so a green CI always means "really ran".
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

/** The tool's path, or undefined after a loud skip; throws (fails the test) under CI. */
export function requireTool(name: string, why: string): string | undefined {
  const path = findTool(name);
  if (path) return path;
  const message = `${name} is not installed: ${why}`;
  if (process.env.CI === 'true') throw new Error(`${message} (required under CI=true; .ci/run installs it)`);
  console.error(`\n!!! SKIPPED: ${message}. Install it to run these tests. !!!\n`);
  return undefined;
}
