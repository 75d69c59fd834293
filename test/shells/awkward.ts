// The awkward values every dialect is tested with (issue 2's list).
export const AWKWARD: Record<string, string> = {
  'single quote': "it's",
  'curly quotes': 'l\u2019inverse \u2018x\u2019 \u201ay\u201b',
  'double quotes': 'say "hi" \u201cthere\u201d',
  dollar: '$HOME ${HOME} $(touch /tmp/awsenv-canary) $((1+1))',
  backticks: '`touch /tmp/awsenv-canary`',
  percent: '%PATH% %% %~dp0',
  bang: 'wow! !! !$ !-1 \\!',
  'cmd specials': '^ & | < > ( ) ; , =',
  backslashes: 'a\\b\\\\c\\',
  'trailing backslash': 'end\\',
  spaces: '  lead and trail  ',
  tab: 'a\tb',
  'non-ASCII': 'é 日本 \u{1F600} \u00a0',
  empty: '',
  long: 'x'.repeat(8192),
  'leading dash': '-n -e',
  'leading equals': '=value',
  'leading semicolon': ';rm -rf /',
  'quote escape sequence': "'\\''",
  'carriage return': 'a\rb',
  newline: 'line1\nline2\n',
  // cmd's `for /f` stops reading at it (found by the fuzz test in Wine).
  'ctrl-z': 'before\x1aafter',
  // cmd's FOR variables in awsenv.cmd and the README's loops (found by the fuzz test in Wine).
  'for variables': 'x%Ay%~nxB%b',
};
