// awsenv clear: the statements that drop every AWS credential variable.
import { clearChange } from '../core/environment.js';
import { detectShell } from '../shells/detect.js';
import { render } from '../shells/index.js';
import type { Context, Output } from './context.js';

export interface ClearArgs {
  shell?: string | undefined;
  all?: boolean | undefined;
}

export function clear(args: ClearArgs, ctx: Context): Output {
  const shell = detectShell(args.shell, ctx.env, ctx.ppid);
  return { stdout: render(shell, clearChange(ctx.env, args.all ?? false)) };
}
