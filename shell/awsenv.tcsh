# awsenv hook for tcsh (6.17.06+). Source it from ~/.tcshrc:
#   source ~/.local/share/awsenv/hook.tcsh
# or: eval "`awsenv hook tcsh`"
# Same behaviour as shell/awsenv.bash (read that file's comments): the `awsenv` wrapper, the
# prompt segment in $AWSENV_SEGMENT (and `awsenv_prompt`; AWSENV_PROMPT=1 puts it in front of
# $prompt through %$, which prints the value as it is), and a guard in the precmd alias that
# starts no process unless something changed.
#
# Why it is written this way (tcsh(1): Lexical structure, Command substitution, Control flow):
# - eval "`awsenv hook tcsh`" gives eval the whole file as ONE line (command substitution in
#   double quotes turns each newline into a word break). So every statement ends in ';', and
#   `awsenv hook tcsh` leaves out these comment lines (an interactive tcsh has no comments,
#   and a '#' would hide the rest of that one line).
# - Only the one-line `if (expr) command` can be used: if/then/endif cannot be written on one
#   line, not even inside an alias. That `if` substitutes variables and opens redirections of
#   its command before it tests expr, and does not expand an alias there. So a branch is
#   `if (expr) eval __awsenv_NAME`, and the environment variables, which may be unset, are
#   first copied into shell variables (__awsenv_read).
# - Inside "`...`" the shell substitutes variables into the command's TEXT, which the forked
#   shell then parses again: a profile named `touch x` (backquotes included) would run. So
#   command substitutions here name only an alias (__awsenv_call_*), whose words the forked
#   shell substitutes itself, as words.
# - '!' starts a history substitution even inside single quotes: none is written here but
#   in '!=', '! ' and the alias argument '\!*'.
# - There is no clock variable: the time is the mtime of a file that the builtin ':' truncates
#   (a redirection of a builtin opens the file in the shell itself: no process), read with the
#   -M file inquiry. Without a cache directory it falls back to `date +%s` (one process).
# - Aliases are expanded when a line is parsed: in the one line of eval "`...`" an alias
#   defined earlier on it is not known yet, so this file calls its own aliases through eval.

set __awsenv_bin = '@AWSENV_BIN@';
if ("$__awsenv_bin" == '@AWSENV_BIN@') set __awsenv_bin = awsenv;
if (! $?__awsenv_retry_at) set __awsenv_retry_at = 0;

# The cache directory, as `awsenv` finds it (AWSENV_CACHE_DIR, XDG_CACHE_HOME, ~/.cache).
alias __awsenv_cache_dir 'set __awsenv_cache = ~/.cache/awsenv; if ($?XDG_CACHE_HOME) eval '\''if ("$XDG_CACHE_HOME" != "") set __awsenv_cache = "$XDG_CACHE_HOME/awsenv"'\''; if ($?AWSENV_CACHE_DIR) eval '\''if ("$AWSENV_CACHE_DIR" != "") set __awsenv_cache = "$AWSENV_CACHE_DIR"'\''';

# Copies the variables the guard reads into shell variables that always exist ("" = unset).
alias __awsenv_read 'set __awsenv_p = "" __awsenv_k = "" __awsenv_ek = "" __awsenv_ap = "" __awsenv_ex = "" __awsenv_w = "" __awsenv_s = "" __awsenv_ar = ""; if ($?AWSENV_PROFILE) eval '\''set __awsenv_p = $AWSENV_PROFILE:q'\''; if ($?AWS_ACCESS_KEY_ID) eval '\''set __awsenv_k = $AWS_ACCESS_KEY_ID:q'\''; if ($?AWSENV_KEY_ID) eval '\''set __awsenv_ek = $AWSENV_KEY_ID:q'\''; if ($?AWS_PROFILE) eval '\''set __awsenv_ap = $AWS_PROFILE:q'\''; if ($?AWSENV_EXPIRY) eval '\''set __awsenv_ex = $AWSENV_EXPIRY:q'\''; if ($?AWSENV_WATCH) eval '\''set __awsenv_w = $AWSENV_WATCH:q'\''; if ($?AWSENV_STAMP) eval '\''set __awsenv_s = $AWSENV_STAMP:q'\''; if ($?AWSENV_AUTO_REFRESH) eval '\''set __awsenv_ar = $AWSENV_AUTO_REFRESH:q'\''; if ("$__awsenv_ex" =~ *[^0-9]*) set __awsenv_ex = ""';

# The time in epoch seconds, in __awsenv_t.
# The clock file is written only in a cache directory that is the user's own real directory
# of mode 700 (so no one else can have planted anything in it), and only when the file is
# missing or a regular file of the user's: a symbolic link planted as `clock` (to the
# credentials file, say) is never written through. Otherwise `date` is asked.
alias __awsenv_now 'set __awsenv_t = -1; set __awsenv_ck = "$__awsenv_cache/clock"; set __awsenv_ok = 0; if (-d "$__awsenv_cache" && ! -l "$__awsenv_cache" && -o "$__awsenv_cache") eval __awsenv_clock_ok; if ($__awsenv_ok == 1) eval __awsenv_tick; if ($__awsenv_t < 0) eval __awsenv_date';
alias __awsenv_clock_ok '@ __awsenv_pm = -P "$__awsenv_cache"; if ($__awsenv_pm == 700 && ! -l "$__awsenv_ck") set __awsenv_ok = 1; if ($__awsenv_ok == 1 && -e "$__awsenv_ck") eval __awsenv_clock_own';
alias __awsenv_clock_own 'if (! -f "$__awsenv_ck" || ! -o "$__awsenv_ck") set __awsenv_ok = 0';
alias __awsenv_tick ': >\! "$__awsenv_ck"; @ __awsenv_t = -M "$__awsenv_ck"';
alias __awsenv_date 'set __awsenv_t = `date +%s`';

# echo without backslash escapes and with -n, whatever the user's echo_style: __awsenv_bsd
# before, __awsenv_unbsd after.
alias __awsenv_bsd 'set __awsenv_es = ""; if ($?echo_style) eval '\''set __awsenv_es = $echo_style:q'\''; set echo_style = bsd';
alias __awsenv_unbsd 'if ("$__awsenv_es" == "") unset echo_style; if ("$__awsenv_es" != "") set echo_style = $__awsenv_es:q';
# Notices (__awsenv_msg) go to stderr through /dev/stderr: csh has no 2>&1 the other way.
# A socket (stderr when Node starts the shell) cannot be opened by name: stdout then.
alias __awsenv_say '__awsenv_bsd; if (-S /dev/stderr) echo "awsenv: $__awsenv_msg"; if (! -S /dev/stderr) eval __awsenv_say_stderr; __awsenv_unbsd';
alias __awsenv_say_stderr 'echo "awsenv: $__awsenv_msg" >& /dev/stderr';

# __awsenv_in as a person should see it, in __awsenv_v (control characters escaped: a profile
# named with ESC ] 0 ; ... BEL would otherwise retitle the terminal), and quoted for tcsh, in
# __awsenv_q (the fix commands in notices). tcsh cannot escape a character without a process:
# a plain name needs neither; any other is asked of `awsenv complete shown` once, and the
# answer kept for the last name asked (the segment asks at every prompt).
alias __awsenv_show 'set __awsenv_v = $__awsenv_in:q __awsenv_q = $__awsenv_in:q; if ("$__awsenv_in" =~ *[^A-Za-z0-9_.@%+=:,/-]*) eval __awsenv_show_odd';
alias __awsenv_show_odd 'if ("$__awsenv_in" != "$__awsenv_shown_for") eval __awsenv_show_ask; set __awsenv_v = $__awsenv_shown[1]:q __awsenv_q = $__awsenv_shown[2]:q';
alias __awsenv_show_ask 'set __awsenv_callee = __awsenv_call_shown; __awsenv_capture; set __awsenv_shown = ($__awsenv_out:q); if ($__awsenv_rc != 0 || $#__awsenv_shown != 2) set __awsenv_shown = ("?" "?"); set __awsenv_shown_for = $__awsenv_in:q';
alias __awsenv_call_shown '"$__awsenv_bin" complete shown -- "$__awsenv_in"';
if (! $?__awsenv_shown_for) set __awsenv_shown_for = "" __awsenv_shown = ("" "");

# 42s, 42m, 3h5m, 3d from __awsenv_left, in __awsenv_d: the same as `awsenv current`.
alias __awsenv_duration '@ __awsenv_m = $__awsenv_left / 60; @ __awsenv_h = $__awsenv_left / 3600; @ __awsenv_mm = $__awsenv_m % 60; @ __awsenv_dd = $__awsenv_left / 86400; set __awsenv_d = "${__awsenv_left}s"; if ($__awsenv_left >= 60) set __awsenv_d = "${__awsenv_m}m"; if ($__awsenv_left >= 3600) set __awsenv_d = "${__awsenv_h}h"; if ($__awsenv_left >= 3600 && $__awsenv_mm != 0) set __awsenv_d = "${__awsenv_h}h${__awsenv_mm}m"; if ($__awsenv_left >= 172800) set __awsenv_d = "${__awsenv_dd}d"';

# AWSENV_SEGMENT as in bash, and __awsenv_prompt_segment: "(SEGMENT) " or "", for %$ in $prompt.
alias __awsenv_segment_update '__awsenv_read; set AWSENV_SEGMENT = ""; if ("$__awsenv_p" == "" && "$__awsenv_k" != "") set AWSENV_SEGMENT = aws:unmanaged; if ("$__awsenv_p" != "") eval __awsenv_segment_profile; set __awsenv_prompt_segment = ""; if ("$AWSENV_SEGMENT" != "") set __awsenv_prompt_segment = "($AWSENV_SEGMENT) "';
alias __awsenv_segment_profile 'set __awsenv_in = $__awsenv_p:q; __awsenv_show; set AWSENV_SEGMENT = "aws:$__awsenv_v"; if ("$__awsenv_ex" != "") eval __awsenv_segment_time';
alias __awsenv_segment_time '__awsenv_now; @ __awsenv_left = $__awsenv_ex - $__awsenv_t; set __awsenv_d = expired; if ($__awsenv_left > 0) eval __awsenv_duration; set AWSENV_SEGMENT = "$AWSENV_SEGMENT $__awsenv_d"';
alias awsenv_prompt '__awsenv_segment_update; __awsenv_bsd; echo -n "$AWSENV_SEGMENT"; __awsenv_unbsd';

# The region awsenv set (AWSENV_REGION) goes with the keys it came with; one set by hand stays.
alias __awsenv_drop_region 'set __awsenv_r = ""; if ($?AWSENV_REGION) eval '\''set __awsenv_r = $AWSENV_REGION:q'\''; if ("$__awsenv_r" != "") eval __awsenv_drop_region_vars; unsetenv AWSENV_REGION';
alias __awsenv_drop_region_vars 'set __awsenv_rv = ""; if ($?AWS_REGION) eval '\''set __awsenv_rv = $AWS_REGION:q'\''; if ("$__awsenv_rv" == "$__awsenv_r") unsetenv AWS_REGION; set __awsenv_rv = ""; if ($?AWS_DEFAULT_REGION) eval '\''set __awsenv_rv = $AWS_DEFAULT_REGION:q'\''; if ("$__awsenv_rv" == "$__awsenv_r") unsetenv AWS_DEFAULT_REGION';
alias __awsenv_forget '__awsenv_drop_region; unsetenv AWSENV_PROFILE AWSENV_KEY_ID AWSENV_EXPIRY AWSENV_WATCH AWSENV_STAMP';
alias __awsenv_drop_keys 'unsetenv AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CREDENTIAL_EXPIRATION AWSENV_KEY_ID';

# Runs the alias named in __awsenv_callee in a command substitution: its stdout in
# __awsenv_out (one word a line), its exit status in __awsenv_rc. `anyerror` (set by default)
# is what makes a command substitution's status reach $status; set it for this one.
alias __awsenv_capture 'set __awsenv_noae; if ($?anyerror) unset __awsenv_noae; set anyerror; set __awsenv_out = "`$__awsenv_callee`"; set __awsenv_rc = $status; if ($?__awsenv_noae) unset anyerror; unset __awsenv_noae';
alias __awsenv_call_cli 'setenv AWSENV_SHELL tcsh; "$__awsenv_bin" $__awsenv_argv:q';
alias __awsenv_call_reread 'setenv AWSENV_SHELL tcsh; setenv AWSENV_NONINTERACTIVE 1; "$__awsenv_bin" use "$__awsenv_p"';
# csh cannot send only stderr elsewhere: sh does, for this background renewal that retries.
alias __awsenv_call_refresh 'setenv AWSENV_SHELL tcsh; setenv AWSENV_NONINTERACTIVE 1; sh -c '\''exec "$0" use "$1" 2>/dev/null'\'' "$__awsenv_bin" "$__awsenv_p"';

# The wrapper: the statements `use`/`clear` print are applied only when it succeeded; help,
# --dry-run and every other command run as they are. An alias's words include the caller's
# redirections, and a pipe or && binds to its LAST command: so that last command is the real
# one, `"$bin" \!*` (awsenv list | grep x, awsenv hook tcsh > file), or after `use`/`clear`
# one that only gives their status (':' is 0 without a process; a failure costs an `sh`).
alias awsenv 'set __awsenv_argv = (\!*); __awsenv_main; $__awsenv_pre $__awsenv_cmd:q \!*';
alias __awsenv_main '__awsenv_unredirect; set __awsenv_j = " $__awsenv_argv "; set __awsenv_mode = run; if ("$__awsenv_j" =~ " use "* || "$__awsenv_j" =~ " clear "*) set __awsenv_mode = apply; if ("$__awsenv_j" =~ *" -- "*) set __awsenv_j = ""; if ("$__awsenv_j" =~ *" -h "* || "$__awsenv_j" =~ *" --help "* || "$__awsenv_j" =~ *" --version "* || "$__awsenv_j" =~ *" --dry-run "*) set __awsenv_mode = run; set __awsenv_pre = () __awsenv_cmd = ($__awsenv_bin:q); if ($__awsenv_mode == apply) eval __awsenv_where; if ($__awsenv_mode == apply) eval __awsenv_apply';
# The caller's redirections are among the alias's words (`awsenv use x >/dev/null` gives
# `use x > /dev/null`); they bind to the last command, and the CLI must not get them as
# arguments: the words go from the first that is <, >, << or >> (tcsh makes the operator a
# word of its own, `&` and `!` the next: a redirection's own word, within the first 12). A
# word that only starts with one (a profile '>odd', quoted) stays. No loop fits on one line.
alias __awsenv_unredirect 'set __awsenv_cutat = 0; if ("$__awsenv_argv[12-]" =~ [\<\>]\ * || "$__awsenv_argv[12-]" =~ [\<\>][\<\>]\ *) set __awsenv_cutat = 11; if ("$__awsenv_argv[11-]" =~ [\<\>]\ * || "$__awsenv_argv[11-]" =~ [\<\>][\<\>]\ *) set __awsenv_cutat = 10; if ("$__awsenv_argv[10-]" =~ [\<\>]\ * || "$__awsenv_argv[10-]" =~ [\<\>][\<\>]\ *) set __awsenv_cutat = 9; if ("$__awsenv_argv[9-]" =~ [\<\>]\ * || "$__awsenv_argv[9-]" =~ [\<\>][\<\>]\ *) set __awsenv_cutat = 8; if ("$__awsenv_argv[8-]" =~ [\<\>]\ * || "$__awsenv_argv[8-]" =~ [\<\>][\<\>]\ *) set __awsenv_cutat = 7; if ("$__awsenv_argv[7-]" =~ [\<\>]\ * || "$__awsenv_argv[7-]" =~ [\<\>][\<\>]\ *) set __awsenv_cutat = 6; if ("$__awsenv_argv[6-]" =~ [\<\>]\ * || "$__awsenv_argv[6-]" =~ [\<\>][\<\>]\ *) set __awsenv_cutat = 5; if ("$__awsenv_argv[5-]" =~ [\<\>]\ * || "$__awsenv_argv[5-]" =~ [\<\>][\<\>]\ *) set __awsenv_cutat = 4; if ("$__awsenv_argv[4-]" =~ [\<\>]\ * || "$__awsenv_argv[4-]" =~ [\<\>][\<\>]\ *) set __awsenv_cutat = 3; if ("$__awsenv_argv[3-]" =~ [\<\>]\ * || "$__awsenv_argv[3-]" =~ [\<\>][\<\>]\ *) set __awsenv_cutat = 2; if ("$__awsenv_argv[2-]" =~ [\<\>]\ * || "$__awsenv_argv[2-]" =~ [\<\>][\<\>]\ *) set __awsenv_cutat = 1; set __awsenv_redir = none; if ($__awsenv_cutat > 0) eval __awsenv_cut';
alias __awsenv_cut '@ __awsenv_k1 = $__awsenv_cutat + 1; set __awsenv_redir = in; if ("$__awsenv_argv[$__awsenv_k1-]" =~ *\>*) set __awsenv_redir = out; set __awsenv_argv = ($__awsenv_argv[1-$__awsenv_cutat]:q)';
# In a backquote substitution (eval "`awsenv use x`"), applying would be lost when the
# forked shell exits, and the shell itself reads what it prints: the CLI runs as it is (its
# statements and status go to the shell, as without the hook). Told by three things: a
# fork, stdout a pipe, and the shell's own process group. A pipeline element is a job of its
# own (`(awsenv use x; aws ...) | tee log`): it applies, so a log never gets the secret; so
# do the top level and a subshell writing to a terminal or a file (see shell/awsenv.bash).
# While the alias decides, fd 1 is still the shell's: a command with a redirection of its
# own is applied. tcsh keeps the parent's $$ in a fork, so a fork is where /proc/self is
# another process than /proc/$$ (compared by inode: no process started). Only then is the
# process group compared with the shell's, which tcsh cannot read without a process (`cat`
# of /proc/self/stat, whose group is the fork's, and of /proc/$$/stat; the fifth word of
# each, after "PID (COMM) STATE PPID", as neither name has a space). Where there is no
# /proc, they are applied.
alias __awsenv_where 'if ($__awsenv_redir != out && -p /dev/fd/1) eval __awsenv_forked';
alias __awsenv_forked 'if (-d /proc/self && -d /proc/$$) eval __awsenv_forked_ino';
alias __awsenv_forked_ino '@ __awsenv_i = -I /proc/self; @ __awsenv_i0 = -I /proc/$$; if ($__awsenv_i != $__awsenv_i0) eval __awsenv_group';
alias __awsenv_group 'set __awsenv_st = (`cat /proc/self/stat`) __awsenv_st0 = (`cat /proc/$$/stat`); if ($#__awsenv_st >= 5 && $#__awsenv_st0 >= 5) eval __awsenv_group_is';
alias __awsenv_group_is 'if ("$__awsenv_st[5]" == "$__awsenv_st0[5]") eval __awsenv_print';
alias __awsenv_print 'set __awsenv_mode = print; setenv AWSENV_SHELL tcsh';
alias __awsenv_apply 'set __awsenv_callee = __awsenv_call_cli; __awsenv_capture; if ($__awsenv_rc == 0) eval "$__awsenv_out"; __awsenv_cache_dir; __awsenv_segment_update; set __awsenv_pre = (:) __awsenv_cmd = (); if ($__awsenv_rc != 0) set __awsenv_pre = () __awsenv_cmd = (sh -c "exit $__awsenv_rc")';

# The guard, first in precmd: keeps the environment true to the chosen profile, then hands
# the last command's $status on to whatever precmd runs next.
alias __awsenv_guard 'set __awsenv_last = $status; __awsenv_read; if ("$__awsenv_p" != "") eval __awsenv_check; __awsenv_segment_update; set status = $__awsenv_last';
alias __awsenv_check 'set __awsenv_act = ok; if ("$__awsenv_k" != "$__awsenv_ek") set __awsenv_act = foreign; if ($__awsenv_act == ok && "$__awsenv_ap" != "$__awsenv_p") set __awsenv_act = switched; if ($__awsenv_act == foreign) eval __awsenv_on_foreign; if ($__awsenv_act == switched) eval __awsenv_on_switched; if ($__awsenv_act == ok) eval __awsenv_on_ok';
# Someone else exported keys: they are theirs now, and the prompt says so.
alias __awsenv_on_foreign 'set __awsenv_in = $__awsenv_p:q; __awsenv_show; set __awsenv_msg = "AWS_ACCESS_KEY_ID was changed outside awsenv; no longer managing profile '\''$__awsenv_v'\''"; __awsenv_say; __awsenv_forget';
# Exported keys beat AWS_PROFILE in every AWS tool: left alone they would shadow it.
alias __awsenv_on_switched 'if ("$__awsenv_k" != "") eval __awsenv_say_switched; __awsenv_drop_keys; __awsenv_forget';
alias __awsenv_say_switched 'set __awsenv_in = $__awsenv_p:q; __awsenv_show; set __awsenv_was = $__awsenv_v:q; set __awsenv_in = $__awsenv_ap:q; __awsenv_show; if ("$__awsenv_ap" == "") set __awsenv_q = PROFILE; set __awsenv_msg = "AWS_PROFILE is now '\''$__awsenv_v'\'': dropped the keys of '\''$__awsenv_was'\'' so they do not shadow it; run: awsenv use $__awsenv_q"; __awsenv_say';
alias __awsenv_on_ok 'if ("$__awsenv_ex" != "" && "$__awsenv_k" != "") eval __awsenv_check_expiry; __awsenv_read; if ("$__awsenv_p" != "" && "$__awsenv_w" != "" && "$__awsenv_s" != "") eval __awsenv_check_watch';
alias __awsenv_check_expiry '__awsenv_now; if ("$__awsenv_retry_at" !~ [0-9]* || "$__awsenv_retry_at" =~ *[^0-9]*) set __awsenv_retry_at = 0; @ __awsenv_soon = $__awsenv_ex - 300; if ("$__awsenv_ar" == 1 && $__awsenv_t >= $__awsenv_soon && $__awsenv_t >= $__awsenv_retry_at) eval __awsenv_refresh; __awsenv_read; if ("$__awsenv_ex" != "") eval __awsenv_check_expired';
alias __awsenv_refresh '@ __awsenv_retry_at = $__awsenv_t + 60; set __awsenv_callee = __awsenv_call_refresh; __awsenv_capture; if ($__awsenv_rc == 0) eval "$__awsenv_out"';
alias __awsenv_check_expired 'if ($__awsenv_ex <= $__awsenv_t) eval __awsenv_expired';
alias __awsenv_expired '__awsenv_drop_keys; __awsenv_drop_region; set __awsenv_in = $__awsenv_p:q; __awsenv_show; set __awsenv_msg = "the session of '\''$__awsenv_v'\'' has expired and was removed; renew it with: awsenv use $__awsenv_q"; __awsenv_say';
# -M has whole seconds: a change within the second of `use` is not seen (as in fish).
alias __awsenv_check_watch 'if (-e "$__awsenv_w" && -M "$__awsenv_w" > -M "$__awsenv_s") eval __awsenv_reread';
alias __awsenv_reread 'set __awsenv_callee = __awsenv_call_reread; __awsenv_capture; if ($__awsenv_rc == 0) eval __awsenv_reread_ok; if ($__awsenv_rc != 0) eval __awsenv_reread_failed';
alias __awsenv_reread_ok 'eval "$__awsenv_out"; set __awsenv_in = $__awsenv_p:q; __awsenv_show; set __awsenv_msg = "the credentials file changed; re-read profile '\''$__awsenv_v'\''"; __awsenv_say';
alias __awsenv_reread_failed 'unsetenv AWSENV_WATCH; set __awsenv_in = $__awsenv_p:q; __awsenv_show; set __awsenv_msg = "the credentials file changed and profile '\''$__awsenv_v'\'' could not be re-read; fix it, then: awsenv use $__awsenv_q"; __awsenv_say';

# Completion: the commands, then profile names after use/export/exec/doctor/rotate (asked of
# `awsenv complete profiles` when TAB is pressed, through an alias as above) and shells
# after hook.
alias __awsenv_call_profiles '"$__awsenv_bin" complete profiles';
complete awsenv 'p/1/(@AWSENV_COMMANDS@)/' 'n/use/`__awsenv_call_profiles`/' 'n/export/`__awsenv_call_profiles`/' 'n/exec/`__awsenv_call_profiles`/' 'n/doctor/`__awsenv_call_profiles`/' 'n/rotate/`__awsenv_call_profiles`/' 'n/hook/(bash zsh fish tcsh pwsh)/';

# Install once, first in precmd, so the guard sees the last command's $status. Reading the
# precmd alias takes one forked shell, here only. A precmd of several lines (starship's) cannot
# be rebuilt on one line: then periodic (which runs before each prompt while tperiod is unset)
# holds the guard, if it is free; else a warning says to source this hook first.
set __awsenv_precmd = "`alias precmd`";
set __awsenv_how = chain;
if ("$__awsenv_precmd" =~ *__awsenv_guard*) set __awsenv_how = done;
if ($__awsenv_how == chain && "$__awsenv_precmd" == "") set __awsenv_how = new;
if ($__awsenv_how == chain && $#__awsenv_precmd > 1) set __awsenv_how = periodic;
alias __awsenv_install_periodic 'set __awsenv_periodic = "`alias periodic`"; if ("$__awsenv_periodic" =~ *__awsenv_guard*) set __awsenv_how = done; if ($__awsenv_how == periodic && ("$__awsenv_periodic" != "" || $?tperiod)) set __awsenv_how = none; if ($__awsenv_how == periodic) alias periodic __awsenv_guard; if ($__awsenv_how == none) eval __awsenv_say_unhooked';
alias __awsenv_say_unhooked 'set __awsenv_msg = "precmd is an alias of several lines and periodic is taken: source the awsenv hook before what set them"; __awsenv_say';
if ($__awsenv_how == new) alias precmd __awsenv_guard;
if ($__awsenv_how == chain) alias precmd "__awsenv_guard; $__awsenv_precmd";
if ($__awsenv_how == periodic) eval __awsenv_install_periodic;
unset __awsenv_precmd __awsenv_how;

# AWSENV_PROMPT=1 puts the segment in front of $prompt, unless starship draws the prompt.
set __awsenv_ps = '%$__awsenv_prompt_segment';
alias __awsenv_prompt_install 'if ("$AWSENV_PROMPT" == 1 && ! $?STARSHIP_SHELL) eval __awsenv_prompt_prepend';
alias __awsenv_prompt_prepend 'if ("$prompt" =~ *__awsenv_prompt_segment*) set __awsenv_ps = ""; set prompt = "$__awsenv_ps$prompt"';
if ($?AWSENV_PROMPT && $?prompt) eval __awsenv_prompt_install;
unset __awsenv_ps;

eval __awsenv_cache_dir;
eval __awsenv_segment_update;
