# awsenv hook for bash. Source it from ~/.bashrc, or: eval "$(awsenv hook bash)".
# Needs bash 4.4+. It adds:
#  - `awsenv`, a function that applies what `awsenv use`/`awsenv clear` print;
#  - `awsenv_prompt`, the prompt segment (aws:admin 42m), kept in $AWSENV_SEGMENT;
#  - a check before every prompt that keeps the environment true to the chosen profile.
# The check starts no process unless something changed: it reads only variables, the
# clock ($EPOCHSECONDS, bash 5; printf '%(%s)T' before that) and `[[ -nt ]]`, and compares
# strings with glob patterns rather than regular expressions. When nothing it reads has
# changed since its last full run and the clock has not reached the next moment that run
# depends on, it only compares strings and the key file's date (see __awsenv_guard).
# Nothing read from the environment is ever evaluated: every value that meets arithmetic
# is checked to be digits first ((( )) evaluates a variable's value as an expression, and
# in X='a[$(cmd)]' that runs cmd).
# shellcheck shell=bash

__awsenv_bin='@AWSENV_BIN@'
[[ $__awsenv_bin == '@AWSENV_BIN@' ]] && __awsenv_bin=awsenv
__awsenv_retry_at=0
# What the last full check left (see __awsenv_guard): none yet, in this shell. Shell
# variables, never exported: a nested shell starts with a full check of its own.
__awsenv_memo='' __awsenv_memo_at=0 __awsenv_memo_until=0 __awsenv_seg_at=0 __awsenv_seg_until=''

# The statements a subcommand prints are applied only when it succeeded (its stdout is
# then only shell code); anything else runs as it is. In a command or process substitution
# (`eval "$(awsenv use x)"`, backquotes, `source <(awsenv use x)`), applying would be lost
# when the subshell exits, and the shell itself reads what it prints: the CLI then runs as
# it is, and its statements and status reach the shell as they would without the hook. Such
# a subshell is told by three things: it is a subshell (BASH_SUBSHELL), its stdout is a
# pipe, and it is in the shell's own process group. A pipeline element is a job of its own
# (`{ awsenv use x; aws ...; } | tee log`): it applies, so the log never gets the secret and
# the commands after it get the credentials. So do the top level, whatever stdout is
# (`awsenv use x >/dev/null` silences, it does not ask for the statements), and a subshell
# writing to a terminal or a file. Without /proc, or with job control off (set +m), a
# pipeline element cannot be told apart: it applies, as before. An alias named awsenv would be
# expanded in `awsenv() {` (a syntax error at start-up) and would shadow the function: it
# goes, and the `function` form is used, whose name bash never alias-expands.
unalias awsenv 2>/dev/null || true
function awsenv {
  local __awsenv_out __awsenv_status __awsenv_arg
  case ${1-} in
    use | clear)
      for __awsenv_arg in "$@"; do
        case $__awsenv_arg in
          -h | --help | --version | --dry-run) command "$__awsenv_bin" "$@"; return ;;
          --) break ;;
        esac
      done
      if ((BASH_SUBSHELL > 0)) && [[ -p /dev/stdout ]] && __awsenv_own_group; then
        AWSENV_SHELL=bash command "$__awsenv_bin" "$@"
        return
      fi
      __awsenv_out=$(AWSENV_SHELL=bash command "$__awsenv_bin" "$@")
      __awsenv_status=$?
      if ((__awsenv_status == 0)); then
        eval "$__awsenv_out"
        __awsenv_segment_update
      fi
      return "$__awsenv_status"
      ;;
    *) command "$__awsenv_bin" "$@" ;;
  esac
}

# Whether this (sub)shell is in the shell's own process group (see awsenv above): field 5
# of /proc/self/stat and of /proc/$$/stat (the shell's, $$ in a subshell too), read by the
# builtin (no process), taken apart without IFS. (An interactive shell leads its group.)
__awsenv_own_group() {
  local s t
  { read -r s </proc/self/stat && read -r t </proc/$$/stat; } 2>/dev/null || return 1
  s=${s##*\) } # after "PID (COMM) ": state, ppid, pgrp, ...
  s=${s#* }
  s=${s#* }
  t=${t##*\) }
  t=${t#* }
  t=${t#* }
  [[ ${s%% *} == "${t%% *}" ]]
}

__awsenv_now() {
  if [[ -n ${EPOCHSECONDS-} ]]; then
    __awsenv_t=$EPOCHSECONDS
  else
    printf -v __awsenv_t '%(%s)T' -1
  fi
}

# Whether $1 is digits only (and short enough for bash's 64-bit arithmetic).
__awsenv_digits() {
  [[ -n $1 && $1 != *[!0-9]* && ${#1} -lt 19 ]]
}

# 42s, 42m, 3h5m, 3d: the same as `awsenv current`.
__awsenv_duration() {
  local s=$1
  if ((s < 60)); then
    __awsenv_d="${s}s"
  elif ((s < 3600)); then
    __awsenv_d="$((s / 60))m"
  elif ((s < 172800)); then
    __awsenv_d="$((s / 3600))h"
    ((s / 60 % 60)) && __awsenv_d+="$((s / 60 % 60))m"
  else
    __awsenv_d="$((s / 86400))d"
  fi
  return 0
}

# __awsenv_v: $1 with its control characters escaped (\e, \n, \x07, \u009b; as src/util/printable.ts
# does for the CLI), for everything a
# person reads: a profile named with ESC ] 0 ; … BEL would otherwise retitle the terminal or
# hide text. A name without one (the usual case) is only matched against a pattern.
__awsenv_visible() {
  local s=$1 c i
  if [[ $s != *[[:cntrl:]]* ]]; then
    __awsenv_v=$s
    return 0
  fi
  __awsenv_v=
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in
      $'\e') c='\e' ;;
      $'\n') c='\n' ;;
      $'\t') c='\t' ;;
      $'\r') c='\r' ;;
      [[:cntrl:]])
        printf -v c '%d' "'$c"
        if ((c < 256)); then printf -v c '\\x%02x' "$c"; else printf -v c '\\u%04x' "$c"; fi
        ;;
    esac
    __awsenv_v+=$c
  done
  return 0
}

# __awsenv_q: $1 as a word to paste into bash (single-quoted unless plain), then made
# visible: the fix commands in notices.
__awsenv_quote() {
  local s=$1
  if [[ -z $s || $s == *[!A-Za-z0-9_.@%+=:,/-]* ]]; then
    s="'${s//\'/\'\\\'\'}'"
  fi
  __awsenv_visible "$s"
  __awsenv_q=$__awsenv_v
}

# Sets AWSENV_SEGMENT: "aws:PROFILE 42m", "aws:PROFILE expired", "aws:unmanaged" for keys
# awsenv did not set, or nothing. A prompt shows it with ${AWSENV_SEGMENT}; bash does not
# expand the value again, so a profile name cannot run as prompt code.
# It also leaves when its text changes next: __awsenv_seg_until (the second it is due again;
# empty: not before the state changes), read at __awsenv_seg_at. Time left is shown in whole
# seconds under a minute and whole minutes (or more) above: the text holds while the seconds
# left stay at or above the last multiple of 60 (or the last second) it shows.
__awsenv_segment_update() {
  local __awsenv_t __awsenv_d __awsenv_v
  AWSENV_SEGMENT='' __awsenv_seg_at=0 __awsenv_seg_until=''
  if [[ -z ${AWSENV_PROFILE-} ]]; then
    [[ -n ${AWS_ACCESS_KEY_ID-} ]] && AWSENV_SEGMENT='aws:unmanaged'
    return 0
  fi
  __awsenv_visible "$AWSENV_PROFILE"
  AWSENV_SEGMENT="aws:$__awsenv_v"
  if __awsenv_digits "${AWSENV_EXPIRY-}"; then
    __awsenv_now
    __awsenv_seg_at=$__awsenv_t
    if ((AWSENV_EXPIRY <= __awsenv_t)); then
      AWSENV_SEGMENT+=' expired'
    else
      __awsenv_duration $((AWSENV_EXPIRY - __awsenv_t))
      AWSENV_SEGMENT+=" $__awsenv_d"
      if ((AWSENV_EXPIRY - __awsenv_t < 60)); then
        __awsenv_seg_until=$((__awsenv_t + 1))
      else
        __awsenv_seg_until=$((AWSENV_EXPIRY - (AWSENV_EXPIRY - __awsenv_t) / 60 * 60 + 1))
      fi
    fi
  fi
  return 0
}

awsenv_prompt() {
  __awsenv_segment_update
  [[ -n $AWSENV_SEGMENT ]] && printf '%s' "$AWSENV_SEGMENT"
  return 0
}

__awsenv_notice() {
  printf 'awsenv: %s\n' "$1" >&2
}

# The region awsenv set (AWSENV_REGION) goes with the keys it came with; one the user set
# by hand (a different value) stays.
__awsenv_drop_region() {
  if [[ -n ${AWSENV_REGION-} ]]; then
    [[ ${AWS_REGION-} == "$AWSENV_REGION" ]] && unset AWS_REGION
    [[ ${AWS_DEFAULT_REGION-} == "$AWSENV_REGION" ]] && unset AWS_DEFAULT_REGION
  fi
  unset AWSENV_REGION
}

__awsenv_forget() {
  __awsenv_drop_region
  unset AWSENV_PROFILE AWSENV_KEY_ID AWSENV_EXPIRY AWSENV_WATCH AWSENV_STAMP
}

__awsenv_drop_keys() {
  unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CREDENTIAL_EXPIRATION AWSENV_KEY_ID
}

# The renewal with AWSENV_AUTO_REFRESH=1, in the foreground: bounded by the CLI's own STS
# deadline (AWSENV_STS_TIMEOUT, default 10 s) and, where coreutils' timeout exists, killed
# a few seconds after it whatever happens. Tried at most once a minute, failed or not.
__awsenv_renew() {
  local limit=${AWSENV_STS_TIMEOUT-}
  __awsenv_digits "$limit" && ((limit <= 600)) || limit=10
  if type -P timeout >/dev/null; then
    AWSENV_SHELL=bash AWSENV_NONINTERACTIVE=1 timeout -k 2 $((limit + 2)) "$__awsenv_bin" use -- "$AWSENV_PROFILE" 2>/dev/null
  else
    AWSENV_SHELL=bash AWSENV_NONINTERACTIVE=1 command "$__awsenv_bin" use -- "$AWSENV_PROFILE" 2>/dev/null
  fi
}

# Runs before every prompt, as `__awsenv_guard && :` in PROMPT_COMMAND. It returns the
# status it was called with, so $? in the prompt and in later PROMPT_COMMAND entries is
# still the user's last command's; the `&& :` makes that status one that neither `set -e`
# nor an ERR trap acts on (bash ignores both for a command that is not the last of an &&
# list), where a plain `return 1` would end a `set -e` shell after `false && true`.
#
# The full check (__awsenv_check) is a function of the variables it reads, the clock and
# the key file's date, and run on its own result it changes nothing. So when the variables
# are those it left (__awsenv_memo, compared as one string), the clock is before the next
# second its result depends on (the segment's next change, the session's end, the renewal
# window, the next retry) and not before the second it ran, and the key file is not newer
# than its stamp, running it again would change nothing: the guard skips it. Anything else
# (a variable exported by hand, `use`, the clock reaching the expiry, a nested shell, whose
# shell variables start empty) runs it; so does `shopt -s nocasematch`, under which [[ ]]
# would compare the string without case.
__awsenv_guard() {
  local __awsenv_status=$?
  if [[ ${AWSENV_PROFILE-}$'\x1e'${AWS_ACCESS_KEY_ID-}$'\x1e'${AWSENV_KEY_ID-}$'\x1e'${AWS_PROFILE-}$'\x1e'${AWSENV_EXPIRY-}$'\x1e'${AWSENV_AUTO_REFRESH-}$'\x1e'${AWSENV_SEGMENT-} != "$__awsenv_memo" ||
    $__awsenv_memo_at$__awsenv_memo_until == *[!0-9]* || ${BASHOPTS-} == *nocasematch* ]] ||
    ((${EPOCHSECONDS:-0} < __awsenv_memo_at || ${EPOCHSECONDS:-0} >= __awsenv_memo_until)) ||
    [[ -n ${AWSENV_WATCH-} && -n ${AWSENV_PROFILE-} && $AWSENV_WATCH -nt ${AWSENV_STAMP-/} ]]; then
    __awsenv_check
  fi
  [[ ${AWSENV_PROMPT-} != 1 || -n ${STARSHIP_SHELL-} || ${PS1-} == *'AWSENV_SEGMENT'* ]] || __awsenv_prompt_put
  return $__awsenv_status
}

# Records what __awsenv_check left, for the guard. Not when a value holds the separator
# (then two different states could read as one string): the check then runs every prompt.
# A state that depends on the clock needs $EPOCHSECONDS (bash 5) to be skipped.
__awsenv_remember() {
  local __awsenv_t __awsenv_r
  __awsenv_memo=${AWSENV_PROFILE-}$'\x1e'${AWS_ACCESS_KEY_ID-}$'\x1e'${AWSENV_KEY_ID-}$'\x1e'${AWS_PROFILE-}$'\x1e'${AWSENV_EXPIRY-}$'\x1e'${AWSENV_AUTO_REFRESH-}$'\x1e'${AWSENV_SEGMENT-}
  __awsenv_memo_at=0 __awsenv_memo_until=99999999999999
  if [[ ${AWSENV_PROFILE-}${AWS_ACCESS_KEY_ID-}${AWSENV_KEY_ID-}${AWS_PROFILE-}${AWSENV_EXPIRY-}${AWSENV_AUTO_REFRESH-}${AWSENV_SEGMENT-} == *$'\x1e'* ]]; then
    __awsenv_memo_until=0
    return 0
  fi
  # (Without a profile the segment reads no clock; a time set by an earlier update is not its.)
  if [[ -n ${AWSENV_PROFILE-} && -n $__awsenv_seg_until ]]; then
    __awsenv_memo_at=$__awsenv_seg_at __awsenv_memo_until=$__awsenv_seg_until
  fi
  # Keys with an end: checked again when it comes (and from the renewal window, at the
  # retry time).
  if [[ -n ${AWSENV_PROFILE-} && -n ${AWS_ACCESS_KEY_ID-} ]] && __awsenv_digits "${AWSENV_EXPIRY-}"; then
    if ((__awsenv_memo_at == 0)); then
      __awsenv_now
      __awsenv_memo_at=$__awsenv_t
    fi
    ((AWSENV_EXPIRY >= __awsenv_memo_until)) || __awsenv_memo_until=$AWSENV_EXPIRY
    if [[ ${AWSENV_AUTO_REFRESH-} == 1 ]]; then
      __awsenv_r=$((AWSENV_EXPIRY - 300))
      if __awsenv_digits "$__awsenv_retry_at" && ((__awsenv_retry_at > __awsenv_r)); then __awsenv_r=$__awsenv_retry_at; fi
      ((__awsenv_r >= __awsenv_memo_until)) || __awsenv_memo_until=$__awsenv_r
    fi
  fi
  if ((__awsenv_memo_at != 0)) && [[ -z ${EPOCHSECONDS-} ]]; then __awsenv_memo_until=0; fi
  return 0
}

# The full check.
__awsenv_check() {
  local __awsenv_t __awsenv_out __awsenv_v __awsenv_q
  if [[ -z ${AWSENV_PROFILE-} ]]; then
    [[ -n ${AWSENV_SEGMENT-} || -n ${AWS_ACCESS_KEY_ID-} ]] && __awsenv_segment_update
    __awsenv_remember
    return 0
  fi
  if [[ ${AWS_ACCESS_KEY_ID-} != "${AWSENV_KEY_ID-}" ]]; then
    # Someone else exported keys: they are theirs now, and the prompt says so.
    __awsenv_visible "$AWSENV_PROFILE"
    __awsenv_notice "AWS_ACCESS_KEY_ID was changed outside awsenv; no longer managing profile '$__awsenv_v'"
    __awsenv_forget
  elif [[ ${AWS_PROFILE-} != "$AWSENV_PROFILE" ]]; then
    # Exported keys beat AWS_PROFILE in every AWS tool: left alone they would shadow it.
    if [[ -n ${AWS_ACCESS_KEY_ID-} ]]; then
      if [[ -n ${AWS_PROFILE-} ]]; then __awsenv_quote "$AWS_PROFILE"; else __awsenv_q=PROFILE; fi
      local __awsenv_was
      __awsenv_visible "$AWSENV_PROFILE"
      __awsenv_was=$__awsenv_v
      __awsenv_visible "${AWS_PROFILE-}"
      __awsenv_notice "AWS_PROFILE is now '$__awsenv_v': dropped the keys of '$__awsenv_was' so they do not shadow it; run: awsenv use $__awsenv_q"
    fi
    __awsenv_drop_keys
    __awsenv_forget
  else
    if [[ -n ${AWSENV_EXPIRY-} && -n ${AWS_ACCESS_KEY_ID-} ]] && __awsenv_digits "$AWSENV_EXPIRY"; then
      __awsenv_now
      __awsenv_digits "$__awsenv_retry_at" || __awsenv_retry_at=0
      if [[ ${AWSENV_AUTO_REFRESH-} == 1 ]] && ((__awsenv_t >= AWSENV_EXPIRY - 300 && __awsenv_t >= __awsenv_retry_at)); then
        __awsenv_retry_at=$((__awsenv_t + 60))
        if __awsenv_out=$(__awsenv_renew); then
          eval "$__awsenv_out"
        fi
      fi
      # (Checked again: a renewal may have left no expiry, which (( )) would read as 0.)
      if __awsenv_digits "${AWSENV_EXPIRY-}" && ((AWSENV_EXPIRY <= __awsenv_t)); then
        __awsenv_drop_keys
        __awsenv_drop_region
        __awsenv_quote "$AWSENV_PROFILE"
        __awsenv_visible "$AWSENV_PROFILE"
        __awsenv_notice "the session of '$__awsenv_v' has expired and was removed; renew it with: awsenv use $__awsenv_q"
      fi
    fi
    if [[ -n ${AWSENV_WATCH-} && $AWSENV_WATCH -nt ${AWSENV_STAMP-/} ]]; then
      # The keys in the file changed (rotated): one process, only now.
      __awsenv_visible "$AWSENV_PROFILE"
      if __awsenv_out=$(AWSENV_SHELL=bash AWSENV_NONINTERACTIVE=1 command "$__awsenv_bin" use -- "$AWSENV_PROFILE"); then
        eval "$__awsenv_out"
        __awsenv_notice "the credentials file changed; re-read profile '$__awsenv_v'"
      else
        unset AWSENV_WATCH
        __awsenv_quote "$AWSENV_PROFILE"
        __awsenv_notice "the credentials file changed and profile '$__awsenv_v' could not be re-read; fix it, then: awsenv use $__awsenv_q"
      fi
    fi
  fi
  __awsenv_segment_update
  __awsenv_remember
  return 0
}

# AWSENV_PROMPT=1 puts the segment in front of PS1, unless starship draws the prompt (it
# shows AWS_PROFILE and AWS_CREDENTIAL_EXPIRATION itself). Checked at every prompt, so a
# setting made after the hook was sourced (later in ~/.bashrc, or typed) counts. PS1 gets a
# reference to the variable, whose value bash does not expand again.
__awsenv_prompt_put() {
  if [[ -z ${STARSHIP_SHELL-} && ${PS1-} != *'AWSENV_SEGMENT'* ]]; then
    PS1='${AWSENV_SEGMENT:+($AWSENV_SEGMENT) }'"${PS1-}"
  fi
}

# Install once, however often this file is sourced, whatever separates PROMPT_COMMAND's
# entries (`;`, or newlines as bash-preexec writes them): first in PROMPT_COMMAND (a string
# or, in bash 5.1+, an array), so the guard sees the last command's $? and hands it on; but
# after direnv's hook, when that is there, so that what direnv exports on `cd` is checked
# before the next command. (direnv installed later puts itself in front: the same order.)
# ${var@a} (bash 4.4+) tells an array without running `declare -p` in a subshell.
# shellcheck disable=SC2128,SC2178 # PROMPT_COMMAND as a string, when it is not an array
if [[ ${PROMPT_COMMAND[*]-} != *__awsenv_guard* ]]; then
  if [[ -n ${PROMPT_COMMAND+set} && ${PROMPT_COMMAND@a} == *a* ]]; then
    if [[ ${PROMPT_COMMAND[0]-} == _direnv_hook ]]; then
      PROMPT_COMMAND=(_direnv_hook '__awsenv_guard && :' "${PROMPT_COMMAND[@]:1}")
    else
      PROMPT_COMMAND=('__awsenv_guard && :' "${PROMPT_COMMAND[@]}")
    fi
  else
    case ${PROMPT_COMMAND-} in
      _direnv_hook) PROMPT_COMMAND='_direnv_hook;__awsenv_guard && :' ;;
      _direnv_hook\;*) PROMPT_COMMAND="_direnv_hook;__awsenv_guard && :;${PROMPT_COMMAND#_direnv_hook;}" ;;
      *) PROMPT_COMMAND="__awsenv_guard && :${PROMPT_COMMAND:+;$PROMPT_COMMAND}" ;;
    esac
  fi
fi

# Completion: the commands, their options, then profile names after use/export/exec/doctor/rotate
# (asked of `awsenv complete profiles`, so only when TAB is pressed) and shells after hook.
# The commands and options are a table that `awsenv hook` renders in (src/commands/hook.ts),
# one line per command. Names are matched by hand, not with `compgen -W`, which expands the
# words it is given: a profile named $(cmd) would run.
__awsenv_completion='@AWSENV_COMPLETION@'
__awsenv_complete() {
  local cur=${COMP_WORDS[COMP_CWORD]-} name quoted line
  local -a names=() lines=() words=()
  COMPREPLY=()
  mapfile -t lines <<<"$__awsenv_completion"
  if ((COMP_CWORD == 1)); then
    for line in "${lines[@]}"; do names+=("${line%% *}"); done
  elif [[ $cur == -* ]]; then
    for line in "${lines[@]}"; do
      read -r -a words <<<"$line"
      [[ ${words[0]-} == "${COMP_WORDS[1]-}" ]] && names=("${words[@]:1}")
    done
  elif ((COMP_CWORD == 2)); then
    case ${COMP_WORDS[1]-} in
      use | export | exec | doctor | rotate) mapfile -t names < <(command "$__awsenv_bin" complete profiles 2>/dev/null) ;;
      hook) names=(bash zsh fish tcsh pwsh) ;;
    esac
  fi
  for name in "${names[@]}"; do
    if [[ -n $name && $name == "$cur"* ]]; then
      printf -v quoted '%q' "$name"
      COMPREPLY+=("$quoted")
    fi
  done
  return 0
}
complete -F __awsenv_complete awsenv

[[ ${AWSENV_PROMPT-} != 1 ]] || __awsenv_prompt_put
__awsenv_segment_update
