// awsenv list: every profile of both files with its kind, region and whether it is active.
import { kindOf, loadProfiles, type ProfileKind, settingsOf } from '../aws/profiles.js';
import { AwsenvError } from '../errors.js';
import { STATE } from '../core/variables.js';
import { styleFor, table } from '../util/table.js';
import type { Context, Output } from './context.js';

/** The documented `list --json` shape (README, "JSON output"). */
export interface ListEntry {
  name: string;
  kind: ProfileKind | 'invalid';
  region: string | null;
  active: boolean;
  sessionExpiresAt: string | null;
  files: { file: string; line: number }[];
  problem: string | null;
}

export function listProfiles(ctx: Context): ListEntry[] {
  const set = loadProfiles(ctx.env);
  const active = ctx.env.AWS_PROFILE || ctx.env[STATE.profile];
  return [...set.profiles.values()]
    .map((p): ListEntry => {
      let kind: ListEntry['kind'] = 'invalid';
      let region: string | null = null;
      let problem: string | null = null;
      try {
        const s = settingsOf(p);
        kind = kindOf(s, p.keysInCredentials);
        region = s.region ?? null;
      } catch (error) {
        if (!(error instanceof AwsenvError)) throw error;
        problem = error.message;
      }
      return {
        name: p.name,
        kind,
        region,
        active: p.name === active,
        sessionExpiresAt: null,
        files: p.sections.map(({ file, line }) => ({ file, line })),
        problem,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function list(args: { json?: boolean | undefined }, ctx: Context): Output {
  const entries = listProfiles(ctx);
  if (args.json) return { stdout: `${JSON.stringify({ version: 1, profiles: entries }, null, 2)}\n` };
  if (entries.length === 0) {
    ctx.warn('no profiles found; create one with `aws configure --profile NAME`');
    return { stdout: '' };
  }
  const style = styleFor(ctx.stdoutIsTTY, ctx.env);
  const rows = entries.map((e) => [
    e.active ? '*' : '',
    e.name,
    e.kind,
    e.region ?? '-',
    e.sessionExpiresAt ?? '-',
    e.problem ?? '',
  ]);
  return {
    stdout: table(['', 'PROFILE', 'KIND', 'REGION', 'SESSION', 'PROBLEM'], rows, (cell, row, col) => {
      if (col === 5) return style.red(cell);
      return entries[row]!.active ? style.green(style.bold(cell)) : cell;
    }),
  };
}
