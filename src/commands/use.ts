// awsenv use PROFILE: the statements that make this shell's environment match PROFILE.
import { getProfile, kindOf, loadProfiles, settingsOf } from '../aws/profiles.js';
import { staticCredentials } from '../core/credentials.js';
import { useChange } from '../core/environment.js';
import { detectShell } from '../shells/detect.js';
import { render } from '../shells/index.js';
import type { Context, Output } from './context.js';

export interface UseArgs {
  profile: string;
  shell?: string | undefined;
}

export function use(args: UseArgs, ctx: Context): Output {
  const shell = detectShell(args.shell, ctx.env, ctx.ppid);
  const profile = getProfile(loadProfiles(ctx.env), args.profile);
  const settings = settingsOf(profile);
  const creds = staticCredentials(profile.name, kindOf(settings, profile.keysInCredentials), settings, ctx.now());
  return { stdout: render(shell, useChange(profile.name, creds, settings.region, ctx.env)) };
}
