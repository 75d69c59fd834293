# awsenv hook for zsh. Source it from ~/.zshrc, or: eval "$(awsenv hook zsh)".
# Same behaviour as shell/awsenv.bash (read that file's comments): the `awsenv` wrapper,
# the prompt segment in $AWSENV_SEGMENT (and `awsenv_prompt`), and a precmd guard that
# starts no process unless something changed (zsh/datetime's $EPOCHSECONDS, [[ -nt ]]).
#
# Whatever the user's options (KSH_ARRAYS, SH_WORD_SPLIT, NO_UNSET, a whole rc sourced under
# `emulate sh`), every function starts with `emulate -L zsh` and the top-level code runs in
# an anonymous function that does the same. The user's prompt options are never changed.

() {
emulate -L zsh

typeset -g __awsenv_bin='@AWSENV_BIN@'
[[ $__awsenv_bin == '@AWSENV_BIN@' ]] && __awsenv_bin=awsenv
# (What the prompt holds of ours is kept when the file is sourced again.)
typeset -g __awsenv_retry_at=0 __awsenv_prompt_prefix=${__awsenv_prompt_prefix-} __awsenv_compdef=
# What the last full check and prompt step left (see __awsenv_guard, __awsenv_prompt_put):
# nothing yet in this shell. Never exported: a nested shell starts with full runs of its own.
typeset -g __awsenv_memo= __awsenv_memo_at=0 __awsenv_memo_until=0 __awsenv_seg_at=0 __awsenv_seg_until= __awsenv_put_memo= __awsenv_pp_was=
zmodload -F zsh/datetime p:EPOCHSECONDS 2>/dev/null

# An alias named awsenv would be expanded in `awsenv() {` and would shadow the function: it
# goes, and the `function` form is used, whose name zsh does not alias-expand.
unalias awsenv 2>/dev/null || true

function awsenv {
  emulate -L zsh
  local out arg
  local -i rc
  case ${1-} in
    use | clear)
      for arg in "$@"; do
        case $arg in
          -h | --help | --version | --dry-run) command "$__awsenv_bin" "$@"; return ;;
          --) break ;;
        esac
      done
      # In a command substitution (`eval "$(awsenv use x)"`): the statements, not applied,
      # as without the hook. Told as in shell/awsenv.bash: a subshell, stdout a pipe, in the
      # shell's own process group. zsh runs a process substitution (`source <(awsenv use
      # x)`) and the left of a pipe (`awsenv use x | source /dev/stdin`) as jobs of their
      # own, like `{ awsenv use x; aws ...; } | tee log`, which must apply (a log must never
      # get the secret): those apply, as before.
      if ((ZSH_SUBSHELL > 0)) && [[ -p /dev/fd/1 ]] && __awsenv_own_group; then
        AWSENV_SHELL=zsh command "$__awsenv_bin" "$@"
        return
      fi
      out=$(AWSENV_SHELL=zsh command "$__awsenv_bin" "$@")
      rc=$?
      if ((rc == 0)); then
        eval "$out"
        __awsenv_segment_update
      fi
      return rc
      ;;
    *) command "$__awsenv_bin" "$@" ;;
  esac
}

# Whether $1 is digits only, short enough for 64-bit arithmetic.
# Whether this (sub)shell is in the shell's own process group (see awsenv above): field 5
# of /proc/self/stat and of /proc/$$/stat (the shell's, $$ in a subshell too), read by the
# builtin (no process), taken apart without IFS. (An interactive shell leads its group.)
function __awsenv_own_group {
  emulate -L zsh
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

function __awsenv_digits {
  emulate -L zsh
  [[ $1 == <-> && ${#1} -lt 19 ]]
}

function __awsenv_duration {
  emulate -L zsh
  local -i s=$1
  if ((s < 60)); then
    REPLY="${s}s"
  elif ((s < 3600)); then
    REPLY="$((s / 60))m"
  elif ((s < 172800)); then
    REPLY="$((s / 3600))h"
    ((s / 60 % 60)) && REPLY+="$((s / 60 % 60))m"
  else
    REPLY="$((s / 86400))d"
  fi
  return 0
}

# REPLY: $1 with control characters escaped (\e, \x07, \u009b) for a person to read.
function __awsenv_visible {
  emulate -L zsh
  REPLY=$1
  [[ $REPLY == *[[:cntrl:]]* ]] || return 0
  local c out=
  for c in ${(s::)1}; do
    case $c in
      $'\e') out+='\e' ;;
      $'\n') out+='\n' ;;
      $'\t') out+='\t' ;;
      $'\r') out+='\r' ;;
      [[:cntrl:]])
        if (( #c < 256 )); then printf -v c '\\x%02x' $(( #c )); else printf -v c '\\u%04x' $(( #c )); fi
        out+=$c
        ;;
      *) out+=$c ;;
    esac
  done
  REPLY=$out
}

# REPLY: $1 as a word to paste into zsh (single-quoted unless plain), made visible.
function __awsenv_quote {
  emulate -L zsh
  local s=$1 q="'\\''"
  [[ -n $s && $s != *[^A-Za-z0-9_.@%+=:,/-]* ]] || s="'${s//\'/$q}'"
  __awsenv_visible "$s"
}

# AWSENV_SEGMENT as in bash (control characters escaped); AWSENV_SEGMENT_PROMPT is the same
# ready for PROMPT: with % doubled when the prompt_percent option would read a % in a profile
# name as a prompt escape, as it is otherwise. Like bash's, it leaves the second its text
# changes next in __awsenv_seg_until (empty: not before the state does), read at
# __awsenv_seg_at.
function __awsenv_segment_update {
  local __awsenv_pp=0
  [[ -o prompt_percent ]] && __awsenv_pp=1
  emulate -L zsh
  local REPLY
  typeset -g AWSENV_SEGMENT= AWSENV_SEGMENT_PROMPT= __awsenv_seg_at=0 __awsenv_seg_until=
  if [[ -z ${AWSENV_PROFILE-} ]]; then
    [[ -n ${AWS_ACCESS_KEY_ID-} ]] && AWSENV_SEGMENT='aws:unmanaged'
  else
    # (Inline checks, not function calls: this runs at every prompt.)
    if [[ $AWSENV_PROFILE == *[[:cntrl:]]* ]]; then
      __awsenv_visible "$AWSENV_PROFILE"
      AWSENV_SEGMENT="aws:$REPLY"
    else
      AWSENV_SEGMENT="aws:$AWSENV_PROFILE"
    fi
    if [[ ${AWSENV_EXPIRY-} == <-> && ${#AWSENV_EXPIRY} -lt 19 ]]; then
      local -i now=EPOCHSECONDS
      __awsenv_seg_at=$now
      if ((AWSENV_EXPIRY <= now)); then
        AWSENV_SEGMENT+=' expired'
      else
        __awsenv_duration $((AWSENV_EXPIRY - now))
        AWSENV_SEGMENT+=" $REPLY"
        if ((AWSENV_EXPIRY - now < 60)); then
          __awsenv_seg_until=$((now + 1))
        else
          __awsenv_seg_until=$((AWSENV_EXPIRY - (AWSENV_EXPIRY - now) / 60 * 60 + 1))
        fi
      fi
    fi
  fi
  if ((__awsenv_pp)); then
    AWSENV_SEGMENT_PROMPT=${AWSENV_SEGMENT//\%/%%}
  else
    AWSENV_SEGMENT_PROMPT=$AWSENV_SEGMENT
  fi
  return 0
}

# The segment for a prompt: `PROMPT='$(awsenv_prompt) %# '` (with prompt_subst) shows it as
# written, so with prompt_percent on a % comes out doubled, as PROMPT needs it.
function awsenv_prompt {
  __awsenv_segment_update
  [[ -n $AWSENV_SEGMENT_PROMPT ]] && print -rn -- "$AWSENV_SEGMENT_PROMPT"
  return 0
}

function __awsenv_notice {
  emulate -L zsh
  print -ru2 -- "awsenv: $1"
}

function __awsenv_drop_region {
  emulate -L zsh
  if [[ -n ${AWSENV_REGION-} ]]; then
    [[ ${AWS_REGION-} == "$AWSENV_REGION" ]] && unset AWS_REGION
    [[ ${AWS_DEFAULT_REGION-} == "$AWSENV_REGION" ]] && unset AWS_DEFAULT_REGION
  fi
  unset AWSENV_REGION
}

function __awsenv_forget {
  emulate -L zsh
  __awsenv_drop_region
  unset AWSENV_PROFILE AWSENV_KEY_ID AWSENV_EXPIRY AWSENV_WATCH AWSENV_STAMP
}

function __awsenv_drop_keys {
  emulate -L zsh
  unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CREDENTIAL_EXPIRATION AWSENV_KEY_ID
}

# The renewal (AWSENV_AUTO_REFRESH=1): bounded as in bash.
function __awsenv_renew {
  emulate -L zsh
  local limit=${AWSENV_STS_TIMEOUT-}
  __awsenv_digits "$limit" && ((limit <= 600)) || limit=10
  if (( ${+commands[timeout]} )); then
    AWSENV_SHELL=zsh AWSENV_NONINTERACTIVE=1 timeout -k 2 $((limit + 2)) "$__awsenv_bin" use -- "$AWSENV_PROFILE" 2>/dev/null
  else
    AWSENV_SHELL=zsh AWSENV_NONINTERACTIVE=1 command "$__awsenv_bin" use -- "$AWSENV_PROFILE" 2>/dev/null
  fi
}

# The guard: as in bash, the full check (__awsenv_check) runs only when something it reads
# has changed since its last run (the variables, compared as one string with what it left),
# the clock has reached the next second its result depends on, or the key file is newer
# than its stamp; run again on its own result it would change nothing. The way through
# when nothing changed runs no builtin and calls no function (on a loaded machine zsh pays
# microseconds for each: a builtin blocks and unblocks signals, a call maps a fresh heap),
# so it comes before `emulate`: it holds only [[ ]] and (( )) on plain variables, which read
# the same under every option (KSH_ARRAYS, SH_GLOB, NO_UNSET, a sticky `emulate sh`). It
# returns 0 (ERR_EXIT would act on anything else here, where the user's options hold), and
# needs to hand no status on: zsh gives each precmd function the last command's $? back.
function __awsenv_guard {
  [[ ${+functions[precmd]} == 0 && ( -n $__awsenv_compdef || ${+functions[compdef]} == 0 ) &&
    ${precmd_functions[-1]-} == __awsenv_prompt_put &&
    ${AWSENV_PROFILE-}$'\x1e'${AWS_ACCESS_KEY_ID-}$'\x1e'${AWSENV_KEY_ID-}$'\x1e'${AWS_PROFILE-}$'\x1e'${AWSENV_EXPIRY-}$'\x1e'${AWSENV_AUTO_REFRESH-}$'\x1e'${AWSENV_SEGMENT-}$'\x1e'${AWSENV_SEGMENT_PROMPT-}$'\x1e'${options[promptpercent]-} == "$__awsenv_memo" &&
    $__awsenv_memo_at$__awsenv_memo_until != *[!0-9]* ]] &&
    ((EPOCHSECONDS >= __awsenv_memo_at && EPOCHSECONDS < __awsenv_memo_until)) &&
    ! [[ -n ${AWSENV_WATCH-} && -n ${AWSENV_PROFILE-} && $AWSENV_WATCH -nt ${AWSENV_STAMP:-/} ]] ||
    __awsenv_guard_full
}

function __awsenv_guard_full {
  __awsenv_pp_was=${options[promptpercent]-}
  emulate -L zsh
  # A `precmd` function runs before every precmd_functions entry: moved behind the guard
  # (once; again if the rc file defines it anew), it sees the segment of this prompt.
  if (( ${+functions[precmd]} )); then
    functions[__awsenv_user_precmd]=$functions[precmd]
    unfunction precmd
    precmd_functions=(${precmd_functions:#__awsenv_user_precmd})
    precmd_functions[${precmd_functions[(ie)__awsenv_guard]}+1,0]=(__awsenv_user_precmd)
  fi
  if [[ ${AWSENV_PROFILE-}$'\x1e'${AWS_ACCESS_KEY_ID-}$'\x1e'${AWSENV_KEY_ID-}$'\x1e'${AWS_PROFILE-}$'\x1e'${AWSENV_EXPIRY-}$'\x1e'${AWSENV_AUTO_REFRESH-}$'\x1e'${AWSENV_SEGMENT-}$'\x1e'${AWSENV_SEGMENT_PROMPT-}$'\x1e'$__awsenv_pp_was != "$__awsenv_memo" ||
    $__awsenv_memo_at$__awsenv_memo_until == *[!0-9]* ]] ||
    ((EPOCHSECONDS < __awsenv_memo_at || EPOCHSECONDS >= __awsenv_memo_until)) ||
    [[ -n ${AWSENV_WATCH-} && -n ${AWSENV_PROFILE-} && $AWSENV_WATCH -nt ${AWSENV_STAMP:-/} ]]; then
    __awsenv_check
  fi
  # Completion, once compinit has run (it may run after this file is sourced, or never).
  if [[ -z $__awsenv_compdef ]] && (( ${+functions[compdef]} )); then
    compdef _awsenv awsenv
    __awsenv_compdef=1
  fi
  # The prompt is put together last, after whatever else rebuilds PROMPT before a prompt.
  [[ ${precmd_functions[-1]} == __awsenv_prompt_put ]] ||
    precmd_functions=(${precmd_functions:#__awsenv_prompt_put} __awsenv_prompt_put)
  return 0
}

# Records what __awsenv_check left, for the guard (see __awsenv_remember in the bash hook).
function __awsenv_remember {
  emulate -L zsh
  local -i r
  # (The prompt_percent option as the guard found it: the segment for PROMPT depends on it.)
  typeset -g __awsenv_memo=${AWSENV_PROFILE-}$'\x1e'${AWS_ACCESS_KEY_ID-}$'\x1e'${AWSENV_KEY_ID-}$'\x1e'${AWS_PROFILE-}$'\x1e'${AWSENV_EXPIRY-}$'\x1e'${AWSENV_AUTO_REFRESH-}$'\x1e'${AWSENV_SEGMENT-}$'\x1e'${AWSENV_SEGMENT_PROMPT-}$'\x1e'$__awsenv_pp_was
  typeset -g __awsenv_memo_at=0 __awsenv_memo_until=99999999999999
  # (Not when a value holds the separator: two states could then read as one string. An
  # empty memo matches none.)
  if [[ ${AWSENV_PROFILE-}${AWS_ACCESS_KEY_ID-}${AWSENV_KEY_ID-}${AWS_PROFILE-}${AWSENV_EXPIRY-}${AWSENV_AUTO_REFRESH-}${AWSENV_SEGMENT-}${AWSENV_SEGMENT_PROMPT-} == *$'\x1e'* ]]; then
    __awsenv_memo=
    return 0
  fi
  if [[ -n ${AWSENV_PROFILE-} && -n $__awsenv_seg_until ]]; then
    __awsenv_memo_at=$__awsenv_seg_at __awsenv_memo_until=$__awsenv_seg_until
  fi
  if [[ -n ${AWSENV_PROFILE-} && -n ${AWS_ACCESS_KEY_ID-} ]] && __awsenv_digits "${AWSENV_EXPIRY-}"; then
    ((__awsenv_memo_at)) || __awsenv_memo_at=$EPOCHSECONDS
    ((AWSENV_EXPIRY >= __awsenv_memo_until)) || __awsenv_memo_until=$AWSENV_EXPIRY
    if [[ ${AWSENV_AUTO_REFRESH-} == 1 ]]; then
      r=$((AWSENV_EXPIRY - 300))
      if __awsenv_digits "$__awsenv_retry_at" && ((__awsenv_retry_at > r)); then r=$__awsenv_retry_at; fi
      ((r >= __awsenv_memo_until)) || __awsenv_memo_until=$r
    fi
  fi
  # (Without zsh/datetime there is no clock to wait for.)
  if ((__awsenv_memo_at)) && [[ -z ${EPOCHSECONDS-} ]]; then __awsenv_memo_until=0; fi
  return 0
}

# The full check.
function __awsenv_check {
  emulate -L zsh
  local out REPLY was
  if [[ -n ${AWSENV_PROFILE-} ]]; then
    if [[ ${AWS_ACCESS_KEY_ID-} != "${AWSENV_KEY_ID-}" ]]; then
      __awsenv_visible "$AWSENV_PROFILE"
      __awsenv_notice "AWS_ACCESS_KEY_ID was changed outside awsenv; no longer managing profile '$REPLY'"
      __awsenv_forget
    elif [[ ${AWS_PROFILE-} != "$AWSENV_PROFILE" ]]; then
      if [[ -n ${AWS_ACCESS_KEY_ID-} ]]; then
        __awsenv_visible "$AWSENV_PROFILE"
        was=$REPLY
        if [[ -n ${AWS_PROFILE-} ]]; then __awsenv_quote "$AWS_PROFILE"; else REPLY=PROFILE; fi
        out=$REPLY
        __awsenv_visible "${AWS_PROFILE-}"
        __awsenv_notice "AWS_PROFILE is now '$REPLY': dropped the keys of '$was' so they do not shadow it; run: awsenv use $out"
      fi
      __awsenv_drop_keys
      __awsenv_forget
    else
      if [[ -n ${AWS_ACCESS_KEY_ID-} && ${AWSENV_EXPIRY-} == <-> && ${#AWSENV_EXPIRY} -lt 19 ]]; then
        __awsenv_digits "$__awsenv_retry_at" || __awsenv_retry_at=0
        if [[ ${AWSENV_AUTO_REFRESH-} == 1 ]] && ((EPOCHSECONDS >= AWSENV_EXPIRY - 300 && EPOCHSECONDS >= __awsenv_retry_at)); then
          __awsenv_retry_at=$((EPOCHSECONDS + 60))
          if out=$(__awsenv_renew); then
            eval "$out"
          fi
        fi
        if __awsenv_digits "${AWSENV_EXPIRY-}" && ((AWSENV_EXPIRY <= EPOCHSECONDS)); then
          __awsenv_drop_keys
          __awsenv_drop_region
          __awsenv_quote "$AWSENV_PROFILE"
          out=$REPLY
          __awsenv_visible "$AWSENV_PROFILE"
          __awsenv_notice "the session of '$REPLY' has expired and was removed; renew it with: awsenv use $out"
        fi
      fi
      if [[ -n ${AWSENV_WATCH-} && $AWSENV_WATCH -nt ${AWSENV_STAMP:-/} ]]; then
        __awsenv_visible "$AWSENV_PROFILE"
        was=$REPLY
        if out=$(AWSENV_SHELL=zsh AWSENV_NONINTERACTIVE=1 command "$__awsenv_bin" use -- "$AWSENV_PROFILE"); then
          eval "$out"
          __awsenv_notice "the credentials file changed; re-read profile '$was'"
        else
          unset AWSENV_WATCH
          __awsenv_quote "$AWSENV_PROFILE"
          __awsenv_notice "the credentials file changed and profile '$was' could not be re-read; fix it, then: awsenv use $REPLY"
        fi
      fi
    fi
    __awsenv_segment_update
  elif [[ -n ${AWSENV_SEGMENT-} || -n ${AWS_ACCESS_KEY_ID-} ]]; then
    __awsenv_segment_update
  fi
  __awsenv_remember
  return 0
}

# AWSENV_PROMPT=1 (read at every prompt, so a later setting counts) puts the segment in
# front of PROMPT, unless starship draws the prompt. By value, escaped for the options in
# effect, and taken out again before the next one: a prompt option of the user's is never
# changed (turning on prompt_subst would let a prompt that pastes $PWD run code). With the
# user's prompt_subst on, a reference to the variable goes in instead, whose value zsh does
# not substitute again.
function __awsenv_prompt_put {
  # When nothing it reads changed since it last ran, it would change nothing: as the guard,
  # only [[ ]] on plain variables until then.
  [[ ${PROMPT-}$'\x1e'${AWSENV_SEGMENT_PROMPT-}$'\x1e'${AWSENV_PROMPT-}$'\x1e'${STARSHIP_SHELL-}$'\x1e'${options[promptsubst]-}$'\x1e'$__awsenv_prompt_prefix == "$__awsenv_put_memo" ]] ||
    __awsenv_prompt_put_full
}

function __awsenv_prompt_put_full {
  local subst=0 subst_was=${options[promptsubst]-}
  [[ -o prompt_subst ]] && subst=1
  emulate -L zsh
  local prefix= base=${PROMPT-}
  if [[ -n $__awsenv_prompt_prefix && $base == "$__awsenv_prompt_prefix"* ]]; then
    base=${base#"$__awsenv_prompt_prefix"}
  fi
  if [[ ${AWSENV_PROMPT-} == 1 && -z ${STARSHIP_SHELL-} && $base != *'$AWSENV_SEGMENT_PROMPT'* ]]; then
    if ((subst)); then
      prefix='${AWSENV_SEGMENT_PROMPT:+($AWSENV_SEGMENT_PROMPT) }'
    elif [[ -n $AWSENV_SEGMENT_PROMPT ]]; then
      prefix="($AWSENV_SEGMENT_PROMPT) "
    fi
  fi
  [[ $prefix$base == "${PROMPT-}" ]] || PROMPT=$prefix$base
  __awsenv_prompt_prefix=$prefix
  __awsenv_put_memo=${PROMPT-}$'\x1e'${AWSENV_SEGMENT_PROMPT-}$'\x1e'${AWSENV_PROMPT-}$'\x1e'${STARSHIP_SHELL-}$'\x1e'$subst_was$'\x1e'$__awsenv_prompt_prefix
  [[ ${PROMPT-}${AWSENV_SEGMENT_PROMPT-}${AWSENV_PROMPT-}${STARSHIP_SHELL-}$__awsenv_prompt_prefix != *$'\x1e'* ]] || __awsenv_put_memo=
  return 0
}

# Completion: the commands, their options (a table `awsenv hook` renders in, one line per
# command), then profile names after use/export/exec/doctor/rotate (asked of `awsenv complete
# profiles`, so only when TAB is pressed) and shells after hook. compadd quotes what it
# inserts.
typeset -g __awsenv_completion='@AWSENV_COMPLETION@'
function _awsenv {
  emulate -L zsh
  local -a names lines
  local line
  lines=(${(f)__awsenv_completion})
  if ((CURRENT == 2)); then
    names=(${lines%% *})
  elif [[ $PREFIX == -* ]]; then
    for line in $lines; do
      [[ ${line%% *} == $words[2] ]] && names=(${${(s: :)line}[2,-1]})
    done
  elif ((CURRENT == 3)); then
    case $words[2] in
      use | export | exec | doctor | rotate) names=(${(f)"$(command $__awsenv_bin complete profiles 2>/dev/null)"}) ;;
      hook) names=(bash zsh fish tcsh pwsh) ;;
    esac
  fi
  compadd -a names
}
if (( ${+functions[compdef]} )); then
  compdef _awsenv awsenv
  __awsenv_compdef=1
fi

# Install once, first among the precmd functions, so the guard sees the last $?.
typeset -ga precmd_functions
if (( ! ${precmd_functions[(Ie)__awsenv_guard]} )); then
  precmd_functions=(__awsenv_guard $precmd_functions)
fi
(( ${precmd_functions[(Ie)__awsenv_prompt_put]} )) || precmd_functions+=(__awsenv_prompt_put)
__awsenv_segment_update
__awsenv_prompt_put
}
