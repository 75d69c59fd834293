# awsenv hook for zsh. Source it from ~/.zshrc, or: eval "$(awsenv hook zsh)".
# Same behaviour as shell/awsenv.bash (read that file's comments): the `awsenv` wrapper,
# the prompt segment in $AWSENV_SEGMENT (and `awsenv_prompt`), and a precmd guard that
# starts no process unless something changed (zsh/datetime's $EPOCHSECONDS, [[ -nt ]]).

typeset -g __awsenv_bin='@AWSENV_BIN@'
[[ $__awsenv_bin == '@AWSENV_BIN@' ]] && __awsenv_bin=awsenv
zmodload -F zsh/datetime p:EPOCHSECONDS 2>/dev/null

awsenv() {
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

__awsenv_duration() {
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

# AWSENV_SEGMENT as in bash; AWSENV_SEGMENT_PROMPT is the same with % doubled, for use in
# PROMPT where zsh would otherwise read a % in a profile name as a prompt escape.
__awsenv_segment_update() {
  emulate -L zsh
  local REPLY
  typeset -g AWSENV_SEGMENT= AWSENV_SEGMENT_PROMPT=
  if [[ -z ${AWSENV_PROFILE-} ]]; then
    [[ -n ${AWS_ACCESS_KEY_ID-} ]] && AWSENV_SEGMENT='aws:unmanaged'
  else
    AWSENV_SEGMENT="aws:$AWSENV_PROFILE"
    if [[ ${AWSENV_EXPIRY-} == <-> ]]; then
      if ((AWSENV_EXPIRY <= EPOCHSECONDS)); then
        AWSENV_SEGMENT+=' expired'
      else
        __awsenv_duration $((AWSENV_EXPIRY - EPOCHSECONDS))
        AWSENV_SEGMENT+=" $REPLY"
      fi
    fi
  fi
  AWSENV_SEGMENT_PROMPT=${AWSENV_SEGMENT//\%/%%}
  return 0
}

awsenv_prompt() {
  __awsenv_segment_update
  [[ -n $AWSENV_SEGMENT ]] && print -rn -- "$AWSENV_SEGMENT"
  return 0
}

__awsenv_notice() {
  print -ru2 -- "awsenv: $1"
}

__awsenv_forget() {
  unset AWSENV_PROFILE AWSENV_KEY_ID AWSENV_EXPIRY AWSENV_REGION AWSENV_WATCH AWSENV_STAMP
}

__awsenv_drop_keys() {
  unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CREDENTIAL_EXPIRATION AWSENV_KEY_ID
}

__awsenv_guard() {
  local -i rc=$?
  emulate -L zsh
  local out
  if [[ -z ${AWSENV_PROFILE-} ]]; then
    [[ -n ${AWSENV_SEGMENT-} || -n ${AWS_ACCESS_KEY_ID-} ]] && __awsenv_segment_update
    return rc
  fi
  if [[ ${AWS_ACCESS_KEY_ID-} != "${AWSENV_KEY_ID-}" ]]; then
    __awsenv_notice "AWS_ACCESS_KEY_ID was changed outside awsenv; no longer managing profile '$AWSENV_PROFILE'"
    __awsenv_forget
  elif [[ ${AWS_PROFILE-} != "$AWSENV_PROFILE" ]]; then
    if [[ -n ${AWS_ACCESS_KEY_ID-} ]]; then
      __awsenv_notice "AWS_PROFILE is now '${AWS_PROFILE-}': dropped the keys of '$AWSENV_PROFILE' so they do not shadow it; run: awsenv use ${AWS_PROFILE:-PROFILE}"
    fi
    __awsenv_drop_keys
    __awsenv_forget
  else
    # Digits only (<->), checked before any arithmetic, which evaluates a variable's value
    # as an expression; anything else is ignored.
    if [[ ${AWSENV_EXPIRY-} == <-> && -n ${AWS_ACCESS_KEY_ID-} ]]; then
      if [[ ${AWSENV_AUTO_REFRESH-} == 1 ]] && ((EPOCHSECONDS >= AWSENV_EXPIRY - 300 && EPOCHSECONDS >= ${__awsenv_retry_at:-0})); then
        typeset -g __awsenv_retry_at=$((EPOCHSECONDS + 60))
        if out=$(AWSENV_SHELL=zsh AWSENV_NONINTERACTIVE=1 command "$__awsenv_bin" use "$AWSENV_PROFILE" 2>/dev/null); then
          eval "$out"
        fi
      fi
      if [[ ${AWSENV_EXPIRY-} == <-> ]] && ((AWSENV_EXPIRY <= EPOCHSECONDS)); then
        __awsenv_drop_keys
        __awsenv_notice "the session of '$AWSENV_PROFILE' has expired and was removed; renew it with: awsenv use $AWSENV_PROFILE"
      fi
    fi
    if [[ -n ${AWSENV_WATCH-} && $AWSENV_WATCH -nt ${AWSENV_STAMP:-/} ]]; then
      if out=$(AWSENV_SHELL=zsh AWSENV_NONINTERACTIVE=1 command "$__awsenv_bin" use "$AWSENV_PROFILE"); then
        eval "$out"
        __awsenv_notice "the credentials file changed; re-read profile '$AWSENV_PROFILE'"
      else
        unset AWSENV_WATCH
        __awsenv_notice "the credentials file changed and profile '$AWSENV_PROFILE' could not be re-read; fix it, then: awsenv use $AWSENV_PROFILE"
      fi
    fi
  fi
  __awsenv_segment_update
  return rc
}

# Completion: the commands, then profile names or shells after them, asked of `awsenv
# complete commands` and `awsenv complete args COMMAND` (one list, in complete.ts), so only
# when TAB is pressed. compadd
# quotes what it inserts. Registered when compinit has run (compdef exists).
_awsenv() {
  local -a names
  if ((CURRENT == 2)); then
    names=(${(f)"$(command $__awsenv_bin complete commands 2>/dev/null)"})
  elif ((CURRENT == 3)); then
    names=(${(f)"$(command $__awsenv_bin complete args $words[2] 2>/dev/null)"})
  fi
  compadd -a names
}
(( ${+functions[compdef]} )) && compdef _awsenv awsenv

# Install once, first among the precmd functions, so the guard sees the last $?.
typeset -ga precmd_functions
if (( ! ${precmd_functions[(Ie)__awsenv_guard]} )); then
  precmd_functions=(__awsenv_guard $precmd_functions)
fi

if [[ ${AWSENV_PROMPT-} == 1 && -z ${STARSHIP_SHELL-} && ${PROMPT-} != *AWSENV_SEGMENT_PROMPT* ]]; then
  setopt prompt_subst
  PROMPT='${AWSENV_SEGMENT_PROMPT:+($AWSENV_SEGMENT_PROMPT) }'"${PROMPT-}"
fi
__awsenv_segment_update
