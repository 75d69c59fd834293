// awsenv current: what the shell holds now and whether it is consistent, with the command
// that fixes each problem in the syntax of this shell.
import { loadProfiles } from '../files/profiles.js';
import { profileIndexCache } from '../sessions/cache.js';
import { syntaxFor } from '../core/checks.js';
import { describeCurrent, formatDuration } from '../core/current.js';
import { detectShell } from '../shells/detect.js';
import type { ShellName } from '../shells/index.js';
import { styleFor } from '../util/table.js';
import { printable } from '../util/printable.js';
import type { Context, Output } from './context.js';

export function current(args: { json?: boolean | undefined }, ctx: Context): Output {
  let shell: ShellName | undefined;
  try {
    shell = detectShell(undefined, ctx.env, ctx.ppid);
  } catch {
    // no shell known: POSIX syntax
  }
  const state = describeCurrent(ctx.env, () => loadProfiles(ctx.env, profileIndexCache(ctx.env)), ctx.now(), syntaxFor(shell));
  if (args.json) return { stdout: `${JSON.stringify(state, null, 2)}\n` };
  const style = styleFor(ctx.stdoutIsTTY, ctx.env);
  const left =
    state.secondsLeft === null ? '' : state.secondsLeft > 0 ? `, ${formatDuration(state.secondsLeft)} left` : ', expired';
  // Every value here comes from the environment: control characters escaped.
  const lines = [
    `profile      ${printable(state.profile ?? '-')}${state.chosen && state.chosen !== state.profile ? ` (awsenv chose ${printable(state.chosen)})` : ''}`,
    `key          ${printable(state.keyId ?? '-')}`,
    `credentials  ${state.credentials}${left}`,
    `region       ${printable(state.region ?? '-')}`,
    `consistent   ${state.consistent ? style.green('yes') : style.red('no')}`,
    ...state.problems.flatMap((p) => [`  ${style.yellow('!')} ${printable(p.message)}`, ...(p.fix ? [`    fix: ${printable(p.fix)}`] : [])]),
  ];
  return { stdout: `${lines.join('\n')}\n` };
}
