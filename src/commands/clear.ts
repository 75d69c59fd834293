// awsenv clear: the statements that drop every AWS credential variable; with --stale-tokens
// also the session tokens in the credentials file that can only fail (CONTRACT.md causes 4, 6).
import { clearChange } from '../core/environment.js';
import { detectShell } from '../shells/detect.js';
import { isVariableName, render } from '../shells/index.js';
import type { Context, Output } from './context.js';

export interface ClearArgs {
  shell?: string | undefined;
  all?: boolean | undefined;
  /** Remove stale aws_session_token/aws_security_token lines from the credentials file. */
  staleTokens?: boolean | undefined;
  /** With staleTokens: change nothing (neither file nor shell), list what would change on stderr. */
  dryRun?: boolean | undefined;
}

export async function clear(args: ClearArgs, ctx: Context): Promise<Output> {
  const shell = detectShell(args.shell, ctx.env, ctx.ppid);
  const change = clearChange(ctx.env, args.all ?? false);
  // --all takes names from the environment (AWSUME_*, GRANTED_*): one that is not a plain
  // name is skipped with a notice, never written (render() would refuse the whole output).
  for (const name of Object.keys(change)) {
    if (isVariableName(name)) continue;
    delete change[name];
    ctx.warn(`skipped the variable '${name}': its name is not a plain shell name, so no statement can unset it safely`);
  }
  const stdout = render(shell, change);
  if (args.staleTokens) {
    // Editing the credentials file is rare: its code loads only for --stale-tokens.
    const { clearStaleTokens } = await import('../core/credentials-file.js');
    await clearStaleTokens(ctx.env, ctx.now(), args.dryRun ?? false, ctx.warn);
    // A dry run changes nothing at all, the shell included: empty stdout is valid shell code.
    if (args.dryRun) return { stdout: '' };
  }
  return { stdout };
}
