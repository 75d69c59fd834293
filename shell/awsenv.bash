# awsenv hook for bash. Source it from ~/.bashrc, or: eval "$(awsenv hook bash)".
# Needs bash 4.4+. It adds:
#  - `awsenv`, a function that applies what `awsenv use`/`awsenv clear` print;
#  - `awsenv_prompt`, the prompt segment (aws:admin 42m), kept in $AWSENV_SEGMENT;
#  - a check before every prompt that keeps the environment true to the chosen profile.
# The check starts no process unless something changed: it reads only variables, the
# clock ($EPOCHSECONDS, bash 5; printf '%(%s)T' before that) and `[[ -nt ]]`.
# shellcheck shell=bash

__awsenv_bin='@AWSENV_BIN@'
[[ $__awsenv_bin == '@AWSENV_BIN@' ]] && __awsenv_bin=awsenv

# The statements a subcommand prints are applied only when it succeeded (its stdout is
# then only shell code); anything else runs as it is.
awsenv() {
  local __awsenv_out __awsenv_status __awsenv_arg
  case ${1-} in
    use | clear)
      for __awsenv_arg in "$@"; do
        case $__awsenv_arg in
          -h | --help | --version | --dry-run) command "$__awsenv_bin" "$@"; return ;;
          --) break ;;
        esac
      done
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

__awsenv_now() {
  if [[ -n ${EPOCHSECONDS-} ]]; then
    __awsenv_t=$EPOCHSECONDS
  else
    printf -v __awsenv_t '%(%s)T' -1
  fi
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

# Sets AWSENV_SEGMENT: "aws:PROFILE 42m", "aws:PROFILE expired", "aws:unmanaged" for keys
# awsenv did not set, or nothing. A prompt shows it with ${AWSENV_SEGMENT}; bash does not
# expand the value again, so a profile name cannot run as prompt code.
__awsenv_segment_update() {
  local __awsenv_t __awsenv_d
  AWSENV_SEGMENT=
  if [[ -z ${AWSENV_PROFILE-} ]]; then
    [[ -n ${AWS_ACCESS_KEY_ID-} ]] && AWSENV_SEGMENT='aws:unmanaged'
    return 0
  fi
  AWSENV_SEGMENT="aws:$AWSENV_PROFILE"
  if [[ ${AWSENV_EXPIRY-} =~ ^[0-9]+$ ]]; then
    __awsenv_now
    if ((AWSENV_EXPIRY <= __awsenv_t)); then
      AWSENV_SEGMENT+=' expired'
    else
      __awsenv_duration $((AWSENV_EXPIRY - __awsenv_t))
      AWSENV_SEGMENT+=" $__awsenv_d"
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

__awsenv_forget() {
  unset AWSENV_PROFILE AWSENV_KEY_ID AWSENV_EXPIRY AWSENV_REGION AWSENV_WATCH AWSENV_STAMP
}

__awsenv_drop_keys() {
  unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CREDENTIAL_EXPIRATION AWSENV_KEY_ID
}

# Runs before every prompt. Returns the status it was called with, so $? in the prompt
# and in later PROMPT_COMMAND entries is still the user's last command's.
__awsenv_guard() {
  local __awsenv_status=$? __awsenv_t __awsenv_out
  if [[ -z ${AWSENV_PROFILE-} ]]; then
    [[ -n ${AWSENV_SEGMENT-} || -n ${AWS_ACCESS_KEY_ID-} ]] && __awsenv_segment_update
    return $__awsenv_status
  fi
  if [[ ${AWS_ACCESS_KEY_ID-} != "${AWSENV_KEY_ID-}" ]]; then
    # Someone else exported keys: they are theirs now, and the prompt says so.
    __awsenv_notice "AWS_ACCESS_KEY_ID was changed outside awsenv; no longer managing profile '$AWSENV_PROFILE'"
    __awsenv_forget
  elif [[ ${AWS_PROFILE-} != "$AWSENV_PROFILE" ]]; then
    # Exported keys beat AWS_PROFILE in every AWS tool: left alone they would shadow it.
    if [[ -n ${AWS_ACCESS_KEY_ID-} ]]; then
      __awsenv_notice "AWS_PROFILE is now '${AWS_PROFILE-}': dropped the keys of '$AWSENV_PROFILE' so they do not shadow it; run: awsenv use ${AWS_PROFILE:-PROFILE}"
    fi
    __awsenv_drop_keys
    __awsenv_forget
  else
    # Digits only, checked before any arithmetic: (( )) evaluates a variable's value as an
    # expression, and in AWSENV_EXPIRY='a[$(cmd)]' that runs cmd. Anything else is ignored.
    if [[ ${AWSENV_EXPIRY-} =~ ^[0-9]+$ && -n ${AWS_ACCESS_KEY_ID-} ]]; then
      __awsenv_now
      if [[ ${AWSENV_AUTO_REFRESH-} == 1 ]] && ((__awsenv_t >= AWSENV_EXPIRY - 300 && __awsenv_t >= ${__awsenv_retry_at:-0})); then
        __awsenv_retry_at=$((__awsenv_t + 60))
        if __awsenv_out=$(AWSENV_SHELL=bash AWSENV_NONINTERACTIVE=1 command "$__awsenv_bin" use "$AWSENV_PROFILE" 2>/dev/null); then
          eval "$__awsenv_out"
        fi
      fi
      # (Checked again: a renewal may have left no expiry, which (( )) would read as 0.)
      if [[ ${AWSENV_EXPIRY-} =~ ^[0-9]+$ ]] && ((AWSENV_EXPIRY <= __awsenv_t)); then
        __awsenv_drop_keys
        __awsenv_notice "the session of '$AWSENV_PROFILE' has expired and was removed; renew it with: awsenv use $AWSENV_PROFILE"
      fi
    fi
    if [[ -n ${AWSENV_WATCH-} && $AWSENV_WATCH -nt ${AWSENV_STAMP-/} ]]; then
      # The keys in the file changed (rotated): one process, only now.
      if __awsenv_out=$(AWSENV_SHELL=bash AWSENV_NONINTERACTIVE=1 command "$__awsenv_bin" use "$AWSENV_PROFILE"); then
        eval "$__awsenv_out"
        __awsenv_notice "the credentials file changed; re-read profile '$AWSENV_PROFILE'"
      else
        unset AWSENV_WATCH
        __awsenv_notice "the credentials file changed and profile '$AWSENV_PROFILE' could not be re-read; fix it, then: awsenv use $AWSENV_PROFILE"
      fi
    fi
  fi
  __awsenv_segment_update
  return $__awsenv_status
}

# Install once, however often this file is sourced: first in PROMPT_COMMAND (a string or,
# in bash 5.1+, an array), so the guard sees the last command's $? and hands it on.
# ${var@a} (bash 4.4+) tells an array without running `declare -p` in a subshell.
if [[ -n ${PROMPT_COMMAND+set} && ${PROMPT_COMMAND@a} == *a* ]]; then
  [[ " ${PROMPT_COMMAND[*]} " == *" __awsenv_guard "* ]] || PROMPT_COMMAND=(__awsenv_guard "${PROMPT_COMMAND[@]}")
elif [[ ";${PROMPT_COMMAND-};" != *";__awsenv_guard;"* ]]; then
  # shellcheck disable=SC2128,SC2178 # the string form of PROMPT_COMMAND, tested above
  PROMPT_COMMAND="__awsenv_guard${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
fi

# Completion: the commands, then profile names or shells after them, asked of `awsenv
# complete commands` and `awsenv complete args COMMAND` (one list, in complete.ts), so only
# when TAB is pressed. Names are
# matched by hand, not with `compgen -W`, which expands the words it is given: a profile
# named $(cmd) would run.
__awsenv_complete() {
  local cur=${COMP_WORDS[COMP_CWORD]-} name quoted
  local -a names=()
  COMPREPLY=()
  if ((COMP_CWORD == 1)); then
    mapfile -t names < <(command "$__awsenv_bin" complete commands 2>/dev/null)
  elif ((COMP_CWORD == 2)); then
    mapfile -t names < <(command "$__awsenv_bin" complete args "${COMP_WORDS[1]-}" 2>/dev/null)
  fi
  for name in "${names[@]}"; do
    if [[ $name == "$cur"* ]]; then
      printf -v quoted '%q' "$name"
      COMPREPLY+=("$quoted")
    fi
  done
  return 0
}
complete -F __awsenv_complete awsenv

# AWSENV_PROMPT=1 puts the segment in front of PS1, unless starship draws the prompt
# (it shows AWS_PROFILE and AWS_CREDENTIAL_EXPIRATION itself).
if [[ ${AWSENV_PROMPT-} == 1 && -z ${STARSHIP_SHELL-} && ${PS1-} != *'AWSENV_SEGMENT'* ]]; then
  PS1='${AWSENV_SEGMENT:+($AWSENV_SEGMENT) }'"${PS1-}"
fi
__awsenv_segment_update
