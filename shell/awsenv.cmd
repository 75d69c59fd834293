@echo off
rem awsenv.cmd: awsenv for Windows cmd, which has no eval (CONTRACT.md, "cmd").
rem `awsenv use PROFILE` and `awsenv clear` apply the NAME=value lines that the CLI prints
rem with --shell cmd to this cmd's environment; every other subcommand runs as is.
rem
rem AWSENV_COMMAND, when set, is the command run instead of node with this package's
rem dist\awsenv.js (tests point it at a stand-in inside Wine). Not plain `awsenv`: npm's shim
rem for the package's bin is also named awsenv.cmd, and that name can find this file again.
rem
rem Exit status: the CLI's for other subcommands. For use and clear, 0 when lines were
rem applied, else 1: `for /f` hides the command's exit status, but on any failure the CLI
rem prints nothing to stdout (CONTRACT.md), so "no lines" is "failed, nothing changed".
rem
rem No setlocal anywhere: endlocal, explicit or at the end of this file, would undo every
rem `set`, and changing the caller's environment is the point. The helper variables
rem _awsenv_* are removed before each exit instead.

if /i "%~1"=="use" goto apply
if /i "%~1"=="clear" goto apply
rem goto, not an if/else block: a block is parsed whole, so a ")" in the arguments or in
rem AWSENV_COMMAND would end it early.
if defined AWSENV_COMMAND goto run_custom
node "%~dp0..\dist\awsenv.js" %*
exit /b %errorlevel%
:run_custom
rem In a child cmd, as `for /f` below runs it: a batch file (npx.cmd, a test's stand-in)
rem started without call would end this file there, and Wine 8's call sets errorlevel 1
rem after any program. %%AWSENV_COMMAND%% is expanded by the child, see below.
cmd /d /c %%AWSENV_COMMAND%% %*
exit /b %errorlevel%

:apply
rem With delayed expansion on (cmd /v:on, or the DelayedExpansion registry value), cmd
rem expands !NAME! and drops "!" and "^" in `set "%%A=%%B"` after the FOR variables are
rem substituted, so a value with "!" would arrive changed. Refuse before running anything
rem rather than export a corrupted secret. (A batch file cannot turn it off for its caller:
rem only setlocal can, see above.)
rem https://stackoverflow.com/questions/4094699 (phase 5, delayed expansion, runs after
rem FOR variables are substituted)
set "_awsenv_de=1"
if "!_awsenv_de!"=="1" goto delayed
set "_awsenv_de="

rem Node writes UTF-8, and cmd decodes the output of a `for /f` command with the console's
rem code page (437, 850, ... by default), so a non-ASCII value would arrive as mojibake.
rem Switch the console to UTF-8 for the loop and back after it. The number is the token
rem after ":" in chcp's message ("Active code page: 437", "Aktive Codepage: 850.").
rem Wine 8's cmd decodes with the OEM code page whatever chcp says, and without a console
rem (output to a pipe) both chcp calls fail, harmlessly and silently.
set "_awsenv_cp="
for /f "tokens=2 delims=:." %%C in ('chcp') do set "_awsenv_cp=%%C"
chcp 65001 >nul 2>&1

rem The one loop that changes the environment. On Windows `for /f` reads the CLI's stdout
rem through a pipe, so no file of ours holds the secrets (Wine's cmd, unlike Windows, parks
rem the output in a temporary file of its own). "tokens=1,* delims==" splits each line at
rem its first "=", so %%B is the whole value, "=" and all. FOR variables are substituted
rem after cmd has parsed "%", quotes and "^&|<>", so no character of the value is
rem interpreted, and `set "NAME="` unsets. The default eol=; only skips lines that start
rem with ";", and every line starts with a variable name.
rem The command string is run by `cmd /c`; AWSENV_COMMAND is written as %%AWSENV_COMMAND%%
rem so that this child cmd expands it, after deciding on quote stripping (its text is
rem never parsed by this file, and it may start with a quoted path).
rem https://learn.microsoft.com/windows-server/administration/windows-commands/for
set "_awsenv_ok="
if defined AWSENV_COMMAND goto apply_custom
for /f "tokens=1,* delims==" %%A in ('node "%~dp0..\dist\awsenv.js" %* --shell cmd') do (
  set "%%A=%%B"
  set "_awsenv_ok=1"
)
goto applied
:apply_custom
for /f "tokens=1,* delims==" %%A in ('%%AWSENV_COMMAND%% %* --shell cmd') do (
  set "%%A=%%B"
  set "_awsenv_ok=1"
)
:applied

rem Redirections after the command: Wine's cmd does not take "2>&1" in front of it.
if defined _awsenv_cp chcp %_awsenv_cp% >nul 2>&1
set "_awsenv_cp="
if not defined _awsenv_ok exit /b 1
set "_awsenv_ok="
exit /b 0

:delayed
set "_awsenv_de="
>&2 echo awsenv: this cmd has delayed expansion on, under which values with an exclamation mark would change; nothing was changed. Use a cmd started with /v:off.
exit /b 1
