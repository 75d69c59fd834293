# awsenv hook for fish (3.5+). Source it from ~/.config/fish/conf.d/, or:
#   awsenv hook fish | source
# Same behaviour as shell/awsenv.bash (read that file's comments): the `awsenv` wrapper,
# the prompt segment in $AWSENV_SEGMENT (and `awsenv_prompt`), and a check on every
# prompt that starts no process unless something changed. fish has no clock variable, so
# the time is read from `path mtime` (a builtin): mtime + its age = now.

set -g __awsenv_bin '@AWSENV_BIN@'
test "$__awsenv_bin" = '@AWSENV_BIN@'; and set -g __awsenv_bin awsenv

function awsenv --description 'keep AWS credentials consistent with one profile'
    switch "$argv[1]"
        case use clear
            for arg in $argv
                switch $arg
                    case -h --help --version --dry-run
                        command $__awsenv_bin $argv
                        return
                    case --
                        break
                end
            end
            set -l out (AWSENV_SHELL=fish command $__awsenv_bin $argv | string collect --allow-empty)
            set -l rc $pipestatus[1]
            if test $rc -eq 0
                eval $out
                __awsenv_segment_update
            end
            return $rc
        case '*'
            command $__awsenv_bin $argv
    end
end

function __awsenv_now
    math (path mtime /) + (path mtime --relative /)
end

# AWSENV_EXPIRY holds digits: anything else is ignored (test and math would complain at
# every prompt).
function __awsenv_has_expiry
    string match -qr '^[0-9]+$' -- "$AWSENV_EXPIRY"
end

function __awsenv_duration -a s
    if test $s -lt 60
        echo {$s}s
    else if test $s -lt 3600
        echo (math --scale 0 "floor($s / 60)")m
    else if test $s -lt 172800
        set -l m (math "floor($s / 60) % 60")
        set -l out (math "floor($s / 3600)")h
        test $m -ne 0; and set out $out{$m}m
        echo $out
    else
        echo (math "floor($s / 86400)")d
    end
end

# Sets __awsenv_ago to now minus the session's end (negative while it lasts); status 0
# once it has ended. A command substitution costs fish ~50 µs, so the clock is read with
# one: `awsenv use` leaves AWSENV_STAMP, a file named and dated after the session's end,
# whose age is exactly now - end. Without it (state set by hand): the slower __awsenv_now.
function __awsenv_past_expiry
    if string match -q -- "*/until-$AWSENV_EXPIRY" "$AWSENV_STAMP"; and test -f "$AWSENV_STAMP"
        set -g __awsenv_ago (path mtime --relative -- $AWSENV_STAMP)
    else
        set -g __awsenv_ago (math (__awsenv_now) - $AWSENV_EXPIRY)
    end
    test $__awsenv_ago -ge 0
end

function __awsenv_segment_update
    set -g AWSENV_SEGMENT
    if test -z "$AWSENV_PROFILE"
        test -n "$AWS_ACCESS_KEY_ID"; and set -g AWSENV_SEGMENT aws:unmanaged
        return 0
    end
    set -g AWSENV_SEGMENT "aws:$AWSENV_PROFILE"
    if __awsenv_has_expiry
        if __awsenv_past_expiry
            set -g AWSENV_SEGMENT "$AWSENV_SEGMENT expired"
        else
            set -g AWSENV_SEGMENT "$AWSENV_SEGMENT "(__awsenv_duration (math -- -$__awsenv_ago))
        end
    end
    return 0
end

function awsenv_prompt
    __awsenv_segment_update
    test -n "$AWSENV_SEGMENT"; and printf '%s' $AWSENV_SEGMENT
    return 0
end

function __awsenv_notice
    printf 'awsenv: %s\n' $argv[1] >&2
end

function __awsenv_forget
    set -e -g AWSENV_PROFILE AWSENV_KEY_ID AWSENV_EXPIRY AWSENV_REGION AWSENV_WATCH AWSENV_STAMP
    return 0
end

function __awsenv_drop_keys
    set -e -g AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CREDENTIAL_EXPIRATION AWSENV_KEY_ID
    return 0
end

function __awsenv_guard --on-event fish_prompt
    if test -z "$AWSENV_PROFILE"
        if test -n "$AWSENV_SEGMENT" -o -n "$AWS_ACCESS_KEY_ID"
            __awsenv_segment_update
        end
        return
    end
    if test "$AWS_ACCESS_KEY_ID" != "$AWSENV_KEY_ID"
        __awsenv_notice "AWS_ACCESS_KEY_ID was changed outside awsenv; no longer managing profile '$AWSENV_PROFILE'"
        __awsenv_forget
    else if test "$AWS_PROFILE" != "$AWSENV_PROFILE"
        if test -n "$AWS_ACCESS_KEY_ID"
            __awsenv_notice "AWS_PROFILE is now '$AWS_PROFILE': dropped the keys of '$AWSENV_PROFILE' so they do not shadow it; run: awsenv use $AWS_PROFILE"
        end
        __awsenv_drop_keys
        __awsenv_forget
    else
        # `test -n` first: the digit check (a regex) only when there is a session.
        if test -n "$AWSENV_EXPIRY" -a -n "$AWS_ACCESS_KEY_ID"; and __awsenv_has_expiry
            __awsenv_past_expiry
            # Within 5 minutes of the end, and at most once a minute: renew if it needs no code.
            if test "$AWSENV_AUTO_REFRESH" = 1 -a $__awsenv_ago -ge -300
                set -l now (math $AWSENV_EXPIRY + $__awsenv_ago)
                set -q __awsenv_retry_at; or set -g __awsenv_retry_at 0
                if test $now -ge $__awsenv_retry_at
                    set -g __awsenv_retry_at (math $now + 60)
                    set -l out (AWSENV_SHELL=fish AWSENV_NONINTERACTIVE=1 command $__awsenv_bin use $AWSENV_PROFILE 2>/dev/null | string collect --allow-empty)
                    test $pipestatus[1] -eq 0; and eval $out
                    __awsenv_has_expiry; and __awsenv_past_expiry
                end
            end
            if __awsenv_has_expiry; and test $__awsenv_ago -ge 0
                __awsenv_drop_keys
                __awsenv_notice "the session of '$AWSENV_PROFILE' has expired and was removed; renew it with: awsenv use $AWSENV_PROFILE"
            end
        end
        # The key file was written after `use` read it: rotated keys. `test -nt`, not two
        # `path mtime` substitutions (~50 µs each in fish).
        if test -n "$AWSENV_WATCH" -a -n "$AWSENV_STAMP"; and test "$AWSENV_WATCH" -nt "$AWSENV_STAMP"
            set -l out (AWSENV_SHELL=fish AWSENV_NONINTERACTIVE=1 command $__awsenv_bin use $AWSENV_PROFILE | string collect --allow-empty)
            if test $pipestatus[1] -eq 0
                eval $out
                __awsenv_notice "the credentials file changed; re-read profile '$AWSENV_PROFILE'"
            else
                set -e -g AWSENV_WATCH
                __awsenv_notice "the credentials file changed and profile '$AWSENV_PROFILE' could not be re-read; fix it, then: awsenv use $AWSENV_PROFILE"
            end
        end
    end
    # The segment of a session needs the clock and math (substitutions): keep it current
    # each prompt only when AWSENV_PROMPT=1 shows it; awsenv_prompt always computes it.
    # Without a session it changes only with the state, so it is rebuilt only then.
    if test -n "$AWSENV_EXPIRY"
        test "$AWSENV_PROMPT" = 1; and __awsenv_segment_update
    else if test "$AWSENV_SEGMENT" != "aws:$AWSENV_PROFILE"
        __awsenv_segment_update
    end
end

# Completion: the commands, then profile names or shells after them, asked of `awsenv
# complete commands` and `awsenv complete args COMMAND` (one list, in complete.ts), so only
# when TAB is pressed. Erased
# first, so sourcing twice does not list them twice.
complete -c awsenv -e
complete -c awsenv -f -n __fish_use_subcommand -a '(command $__awsenv_bin complete commands 2>/dev/null)'
complete -c awsenv -f -n 'not __fish_use_subcommand; and test (count (commandline -opc)) -eq 2' -a '(command $__awsenv_bin complete args (commandline -opc)[2] 2>/dev/null)'

function __awsenv_return -a code
    return $code
end

# AWSENV_PROMPT=1 puts the segment in front of the prompt, unless starship draws it.
if test "$AWSENV_PROMPT" = 1 -a -z "$STARSHIP_SHELL"; and not functions -q __awsenv_fish_prompt_orig
    functions -q fish_prompt; and functions -c fish_prompt __awsenv_fish_prompt_orig
    function fish_prompt
        set -l last $status
        test -n "$AWSENV_SEGMENT"; and printf '(%s) ' $AWSENV_SEGMENT
        if functions -q __awsenv_fish_prompt_orig
            # Hand the original prompt the user's $status. Not with `true (exit $last)`:
            # `exit` in a command substitution ends the whole interactive fish (3.6).
            __awsenv_return $last
            __awsenv_fish_prompt_orig
        else
            printf '> '
        end
    end
end
__awsenv_segment_update
