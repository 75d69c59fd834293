// awsenv current: what the shell holds now and whether it is consistent.
import { loadProfiles } from '../files/profiles.js';
import { describeCurrent, formatDuration } from '../core/current.js';
import { styleFor } from '../util/table.js';
import { printable } from '../util/printable.js';
import type { Context, Output } from './context.js';

export function current(args: { json?: boolean | undefined }, ctx: Context): Output {
  const state = describeCurrent(ctx.env, () => loadProfiles(ctx.env), ctx.now());
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
    ...state.problems.map((p) => `  ${style.yellow('!')} ${printable(p.message)}`),
  ];
  return { stdout: `${lines.join('\n')}\n` };
}
