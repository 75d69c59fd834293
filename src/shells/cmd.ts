// Windows cmd: data, not code (CONTRACT.md). One NAME=value line per variable, `NAME=`
// to unset, applied by shell/awsenv.cmd through
//   for /f "tokens=1,* delims==" %%A in (...) do set "%%A=%%B"
// FOR variables are substituted after cmd has parsed % and special characters, so no
// character of the value is interpreted. What this cannot carry is refused:
// a line break ends the line; a leading '=' is swallowed as a delimiter; an empty value
// would read as "unset".
import { UnrepresentableValue } from '../errors.js';
import { type Dialect, refuseLineBreaks } from './dialect.js';

export const cmd: Dialect = {
  set(name, value) {
    refuseLineBreaks(name, 'cmd', value);
    if (value === '') throw new UnrepresentableValue(name, 'cmd', 'is empty, which cmd cannot hold');
    if (value.startsWith('=')) {
      throw new UnrepresentableValue(name, 'cmd', "starts with '=', which `for /f` would drop");
    }
    return `${name}=${value}`;
  },
  unset: (name) => `${name}=`,
};
