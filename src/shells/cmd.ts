// Windows cmd: data, not code (CONTRACT.md). One NAME=value line per variable, `NAME=`
// to unset, applied by shell/awsenv.cmd through
//   for /f "tokens=1,* delims==" %%A in (...) do set "%%A=%%B"
// FOR variables are substituted after cmd has parsed % and special characters, so no
// character of the value is interpreted. What this cannot carry is refused:
// a line break ends the line; a Ctrl-Z ends `for /f`'s reading (see refuseCtrlZ); '%A',
// '%B' are the loop's own variables (see refuseForVariables); a leading '=' is swallowed
// as a delimiter; an empty value would read as "unset"; a line too long for cmd would be
// dropped (see CMD_LINE_MAX).
import { UnrepresentableValue } from '../errors.js';
import { type Dialect, refuseCtrlZ, refuseForVariables, refuseLineBreaks } from './dialect.js';

/**
 * The longest `NAME=value` line, in UTF-8 bytes, that still reaches `set`. cmd's lines end at
 * 8191 characters (https://learn.microsoft.com/troubleshoot/windows-client/shell-experience/command-line-string-limitation),
 * and `set "NAME=value"` adds 6. Longer is not truncated harmlessly: Wine's `for /f` reads
 * 8192-byte lines (MAXSTRING, so bytes, not characters), and on a longer line it stops
 * reading, so the variables before it were set and the ones after it were not: half a
 * profile (tried in Wine 8: a line of 8191 characters and every line after it are lost).
 */
export const CMD_LINE_MAX = 8191 - 'set ""'.length;

export const cmd: Dialect = {
  set(name, value) {
    refuseLineBreaks(name, 'cmd', value);
    refuseCtrlZ(name, 'cmd', value);
    refuseForVariables(name, 'cmd', value);
    if (value === '') throw new UnrepresentableValue(name, 'cmd', 'is empty, which cmd cannot hold');
    if (value.startsWith('=')) {
      throw new UnrepresentableValue(name, 'cmd', "starts with '=', which `for /f` would drop");
    }
    const line = `${name}=${value}`;
    if (new TextEncoder().encode(line).length > CMD_LINE_MAX) {
      throw new UnrepresentableValue(name, 'cmd', `is longer than a cmd line can carry (${CMD_LINE_MAX} bytes with its name)`);
    }
    return line;
  },
  unset: (name) => `${name}=`,
};
