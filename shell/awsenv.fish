# awsenv hook for fish (3.5+). Source it from ~/.config/fish/conf.d/, or:
#   awsenv hook fish | source
# Same behaviour as shell/awsenv.bash (read that file's comments): the `awsenv` wrapper,
# the prompt segment in $AWSENV_SEGMENT (and `awsenv_prompt`), and a check on every
# prompt that starts no process unless something changed. fish has no clock variable, so
# the time is read from `path mtime` (a builtin): mtime + its age = now; and whether the
# last check still holds from /proc/uptime (read without a substitution), where there is one.

# The two functions that run at every prompt come first (the prompt wrapper, then the
# guard), and hold few comments: see "Why first" below.
function __awsenv_prompt_install
    set -g __awsenv_prompt_on 1
    test -z "$STARSHIP_SHELL"; or return 0
    functions -q __awsenv_fish_prompt_orig; and return 0
    if functions -q fish_prompt
        functions -c fish_prompt __awsenv_fish_prompt_orig
        function fish_prompt
            switch $status
                case 0
                    printf '%s' $__awsenv_prompt_text
                    __awsenv_fish_prompt_orig
                case '*'
                    set -l last $status
                    printf '%s' $__awsenv_prompt_text
                    __awsenv_return $last
                    __awsenv_fish_prompt_orig
            end
        end
    else
        function fish_prompt
            printf '%s' $__awsenv_prompt_text
            printf '> '
        end
    end
end

function __awsenv_guard --on-event fish_prompt
    __awsenv_check
    if not set -q __awsenv_guard_last
        set -g __awsenv_guard_last 1
        function __awsenv_guard --on-event fish_prompt
            if set -q __awsenv_changed
                if test "k$AWSENV_PROFILE$__awsenv_sep$AWS_ACCESS_KEY_ID$__awsenv_sep$AWSENV_KEY_ID$__awsenv_sep$AWS_PROFILE$__awsenv_sep$AWSENV_EXPIRY$__awsenv_sep$AWSENV_AUTO_REFRESH$__awsenv_sep$AWSENV_SEGMENT$__awsenv_sep$AWSENV_PROMPT" != "$__awsenv_memo"
                    __awsenv_check
                    return
                end
                set -e -g __awsenv_changed
            end
            if test -n "$__awsenv_until"; and read -d ' ' -l up rest <$__awsenv_uptime; and test "$up" -lt "$__awsenv_until"
                or test -z "$__awsenv_until"
            else
                __awsenv_check
                return
            end
            if set -q AWSENV_WATCH; and test -n "$AWSENV_WATCH" -a -n "$AWSENV_STAMP" -a -n "$AWSENV_PROFILE"
                and test "$AWSENV_WATCH" -nt "$AWSENV_STAMP"
                __awsenv_check
            end
        end
    end
end

# Why first: fish notes the line of every block it enters (a function call, a branch
# taken), for its stack traces, by counting the newlines from the start of the file that
# defined the function up to the block, afresh at every call. At the end of this file (21
# KB) that cost about 15 µs a block, more than the rest of a prompt's work; here, a
# fraction of a µs. The wrapper comes first: it enters two blocks at every prompt (its
# `switch` and the call of the user's prompt), the guard none when nothing changed.
#
# __awsenv_guard, the check before every prompt. fish runs the handlers of an event in the
# order they were defined, and defining one again moves it last. direnv's (and any other
# prompt hook that exports) is usually defined after this file in config.fish: so at its
# first run the guard defines itself again, once the rc files are all read, and from the
# next prompt on it checks what they exported (direnv's AWS_PROFILE on `cd`) before the next
# command runs. A hook defined later still is rare.
#
# The full check (__awsenv_check) is a function of the variables it reads, the clock and
# the key file's date, and run on its own result it changes nothing. So when the variables
# are those it left (__awsenv_memo, one string, compared when a variable event said one of
# them was set; when they were set again to the same values, the event's flag is dropped),
# the clock is before the moment it depends on (__awsenv_until, on the uptime clock; the
# test in time takes the branch with nothing in it, which costs fish no block) and the key
# file is not newer than its stamp, running it again would change nothing, and the guard
# skips it. Anything else (a variable set by hand, `use`, the clock reaching the expiry, a
# nested shell, whose globals start afresh) runs it. The key file's date is compared only
# when AWSENV_WATCH is set at all (`set -q`, cheaper than the `test` of three strings that
# follows), as `awsenv use` leaves it for keys read from a file.
#
# __awsenv_prompt_install: AWSENV_PROMPT=1 puts the segment in front of the prompt, unless
# starship draws it: the user's fish_prompt is wrapped (once, when the setting is first
# seen, at load or at a prompt), and the wrapper reads the setting each time it draws. It
# prints __awsenv_prompt_text ("(SEGMENT) " while AWSENV_PROMPT is 1, kept by the variable
# events), then the original prompt with the user's $status: after a 0 as the printf leaves
# it, any other through a function's return (not with `true (exit $last)`: `exit` in a
# command substitution ends the whole interactive fish, 3.6). `switch` does not touch
# $status. (Few builtins: this runs at every prompt.)
function __awsenv_return -a code
    return $code
end

set -g __awsenv_bin '@AWSENV_BIN@'
test "$__awsenv_bin" = '@AWSENV_BIN@'; and set -g __awsenv_bin awsenv
# What the last full check left (see __awsenv_guard): nothing yet in this shell. Globals,
# never exported: a nested fish starts with a full check of its own. The clock it waits
# for is the uptime (/proc/uptime, read without a substitution), where there is one.
set -g __awsenv_memo
set -g __awsenv_until
set -g __awsenv_seg_until
set -g __awsenv_seg_at
set -g __awsenv_sep \x1e
set -g __awsenv_uptime
test -r /proc/uptime; and set -g __awsenv_uptime /proc/uptime
# Set whenever a variable the check reads is set or erased, in any scope, by any means (set,
# read, for, a universal variable's change, awsenv's own statements): fish fires a variable
# event for each. Only then is the string compared (a `test` of eight variables costs fish
# more than the rest of the way through).
# The same events keep __awsenv_prompt_text, what the wrapped fish_prompt prints in front
# (see __awsenv_prompt_install), as the setting and the segment are now.
set -g __awsenv_changed 1
function __awsenv_on_change --on-variable AWSENV_PROFILE --on-variable AWS_ACCESS_KEY_ID --on-variable AWSENV_KEY_ID \
    --on-variable AWS_PROFILE --on-variable AWSENV_EXPIRY --on-variable AWSENV_AUTO_REFRESH --on-variable AWSENV_SEGMENT \
    --on-variable AWSENV_PROMPT
    set -g __awsenv_changed 1
    __awsenv_prompt_text_update
end
function __awsenv_prompt_text_update
    if test "$AWSENV_PROMPT" = 1 -a -n "$AWSENV_SEGMENT"
        set -g __awsenv_prompt_text '('$AWSENV_SEGMENT') '
    else
        set -g __awsenv_prompt_text
    end
end
__awsenv_prompt_text_update

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
            # In a command substitution (`eval (awsenv use x)`, `set s (awsenv use x)`) the
            # statements are printed, not applied, as without the hook: fish runs the
            # substitution in this very shell, so applying would work, but the eval would then
            # get nothing and succeed even when `use` failed. What `use` would erase goes first.
            # (Piped, `awsenv use x | source`, they are applied here and source gets nothing: a
            # function's output in a pipe cannot be told from a redirection to /dev/null.)
            if status is-command-substitution
                AWSENV_SHELL=fish command $__awsenv_bin $argv
                set -l rc $status
                test $rc -eq 0; and __awsenv_erase_universal
                return $rc
            end
            set -l out (AWSENV_SHELL=fish command $__awsenv_bin $argv | string collect --allow-empty)
            set -l rc $pipestatus[1]
            if test $rc -eq 0
                eval $out
                __awsenv_erase_universal
                __awsenv_segment_update
            end
            return $rc
        case '*'
            command $__awsenv_bin $argv
    end
end

# `use` and `clear` set and erase globals; a universal variable of the same name (set -Ux
# AWS_SESSION_TOKEN …, left by a tutorial or another tool) would come back from behind them
# and be sent with the new keys: no copy of a variable awsenv manages is left.
set -g __awsenv_managed AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SECURITY_TOKEN \
    AWS_CREDENTIAL_EXPIRATION AWS_SESSION_EXPIRATION AWS_DEFAULT_PROFILE AWS_PROFILE \
    AWSENV_PROFILE AWSENV_KEY_ID AWSENV_EXPIRY AWSENV_REGION AWSENV_WATCH AWSENV_STAMP AWSENV_SEGMENT
function __awsenv_erase_universal
    for name in $__awsenv_managed
        if set -qU $name
            set -eU $name
            __awsenv_notice "erased the universal variable $name (set -U), which would have outlived this command"
        end
    end
    return 0
end

function __awsenv_now
    math (path mtime /) + (path mtime --relative /)
end

# AWSENV_EXPIRY holds digits: anything else is ignored (test and math would complain at
# every prompt).
function __awsenv_has_expiry
    string match -qr '^[0-9]{1,18}$' -- "$AWSENV_EXPIRY"
end

# __awsenv_v: $argv[1] with control characters escaped (\e, \x07, \u009b), for a person to
# read: a profile named with ESC ] 0 ; … BEL would otherwise retitle the terminal. Kept for
# the last name asked, so a prompt without a change runs no regex.
function __awsenv_visible
    if set -q __awsenv_v_of; and test "$__awsenv_v_of" = "$argv[1]"
        return 0
    end
    set -g __awsenv_v_of $argv[1]
    set -g __awsenv_v $argv[1]
    string match -qr '[\x00-\x1f\x7f-\x9f]' -- $argv[1]; or return 0
    set -l out
    for c in (string split '' -- $argv[1])
        if test "$c" = \e
            set -a out '\e'
        else if test "$c" = \n
            set -a out '\n'
        else if test "$c" = \t
            set -a out '\t'
        else if test "$c" = \r
            set -a out '\r'
        else if string match -qr '[\x00-\x1f\x7f-\x9f]' -- $c
            set -a out (printf '%s%02x' '\\x' "'$c")
        else
            set -a out $c
        end
    end
    set -g __awsenv_v (string join '' -- $out)
end

# __awsenv_q: $argv[1] as a word to paste into fish, made visible.
function __awsenv_quote
    set -l q (string escape -- $argv[1])
    __awsenv_visible "$q"
    set -g __awsenv_q $__awsenv_v
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

# It also leaves the second its text changes next in __awsenv_seg_until (empty: not before
# the state does): time left is shown in whole seconds under a minute and whole minutes (or
# more) above, so the text holds while the seconds left stay at or above the last second,
# or multiple of 60, it shows.
function __awsenv_segment_update
    set -g AWSENV_SEGMENT
    set -g __awsenv_seg_until
    set -g __awsenv_seg_at
    if test -z "$AWSENV_PROFILE"
        test -n "$AWS_ACCESS_KEY_ID"; and set -g AWSENV_SEGMENT aws:unmanaged
        return 0
    end
    __awsenv_visible "$AWSENV_PROFILE"
    set -g AWSENV_SEGMENT "aws:$__awsenv_v"
    if __awsenv_has_expiry
        if __awsenv_past_expiry
            set -g AWSENV_SEGMENT "$AWSENV_SEGMENT expired"
        else
            set -l left (math -- -$__awsenv_ago)
            set -g __awsenv_seg_at (math $AWSENV_EXPIRY - $left)
            set -g AWSENV_SEGMENT "$AWSENV_SEGMENT "(__awsenv_duration $left)
            if test $left -lt 60
                set -g __awsenv_seg_until (math $AWSENV_EXPIRY - $left + 1)
            else
                set -g __awsenv_seg_until (math "$AWSENV_EXPIRY - floor($left / 60) * 60 + 1")
            end
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

# The region awsenv set goes with the keys it came with; one set by hand stays.
function __awsenv_drop_region
    if test -n "$AWSENV_REGION"
        test "$AWS_REGION" = "$AWSENV_REGION"; and set -e -g AWS_REGION
        test "$AWS_DEFAULT_REGION" = "$AWSENV_REGION"; and set -e -g AWS_DEFAULT_REGION
    end
    set -e -g AWSENV_REGION
    return 0
end

function __awsenv_forget
    __awsenv_drop_region
    set -e -g AWSENV_PROFILE AWSENV_KEY_ID AWSENV_EXPIRY AWSENV_WATCH AWSENV_STAMP
    return 0
end

# The renewal (AWSENV_AUTO_REFRESH=1), in the foreground: bounded by the CLI's STS deadline
# (AWSENV_STS_TIMEOUT, default 10 s) and by coreutils' timeout a little after it.
function __awsenv_renew
    set -l limit $AWSENV_STS_TIMEOUT
    string match -qr '^[0-9]{1,3}$' -- "$limit"; or set limit 10
    if command -q timeout
        AWSENV_SHELL=fish AWSENV_NONINTERACTIVE=1 timeout -k 2 (math $limit + 2) $__awsenv_bin use -- $AWSENV_PROFILE 2>/dev/null
    else
        AWSENV_SHELL=fish AWSENV_NONINTERACTIVE=1 command $__awsenv_bin use -- $AWSENV_PROFILE 2>/dev/null
    end
end

function __awsenv_drop_keys
    set -e -g AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CREDENTIAL_EXPIRATION AWSENV_KEY_ID
    return 0
end

# The check before every prompt, run by __awsenv_guard (at the top of this file).
function __awsenv_check
    # AWSENV_PROMPT is read at every prompt: `set -g AWSENV_PROMPT 1` in config.fish, which
    # fish reads after conf.d/, counts.
    if test "$AWSENV_PROMPT" = 1; and not set -q __awsenv_prompt_on
        __awsenv_prompt_install
    end
    if test -z "$AWSENV_PROFILE"
        if test -n "$AWSENV_SEGMENT" -o -n "$AWS_ACCESS_KEY_ID"
            __awsenv_segment_update
        end
        __awsenv_remember
        return
    end
    if test "$AWS_ACCESS_KEY_ID" != "$AWSENV_KEY_ID"
        __awsenv_visible "$AWSENV_PROFILE"
        __awsenv_notice "AWS_ACCESS_KEY_ID was changed outside awsenv; no longer managing profile '$__awsenv_v'"
        __awsenv_forget
    else if test "$AWS_PROFILE" != "$AWSENV_PROFILE"
        if test -n "$AWS_ACCESS_KEY_ID"
            set -l hint PROFILE
            if test -n "$AWS_PROFILE"
                __awsenv_quote "$AWS_PROFILE"
                set hint $__awsenv_q
            end
            __awsenv_visible "$AWSENV_PROFILE"
            set -l was $__awsenv_v
            __awsenv_visible "$AWS_PROFILE"
            __awsenv_notice "AWS_PROFILE is now '$__awsenv_v': dropped the keys of '$was' so they do not shadow it; run: awsenv use $hint"
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
                string match -qr '^[0-9]{1,18}$' -- "$__awsenv_retry_at"; or set -g __awsenv_retry_at 0
                if test $now -ge $__awsenv_retry_at
                    set -g __awsenv_retry_at (math $now + 60)
                    set -l out (__awsenv_renew | string collect --allow-empty)
                    test $pipestatus[1] -eq 0; and eval $out
                    __awsenv_has_expiry; and __awsenv_past_expiry
                end
            end
            if __awsenv_has_expiry; and test $__awsenv_ago -ge 0
                __awsenv_drop_keys
                __awsenv_drop_region
                __awsenv_quote "$AWSENV_PROFILE"
                __awsenv_visible "$AWSENV_PROFILE"
                __awsenv_notice "the session of '$__awsenv_v' has expired and was removed; renew it with: awsenv use $__awsenv_q"
            end
        end
        # The key file was written after `use` read it: rotated keys. `test -nt`, not two
        # `path mtime` substitutions (~50 µs each in fish).
        if test -n "$AWSENV_WATCH" -a -n "$AWSENV_STAMP"; and test "$AWSENV_WATCH" -nt "$AWSENV_STAMP"
            __awsenv_visible "$AWSENV_PROFILE"
            set -l out (AWSENV_SHELL=fish AWSENV_NONINTERACTIVE=1 command $__awsenv_bin use -- $AWSENV_PROFILE | string collect --allow-empty)
            if test $pipestatus[1] -eq 0
                eval $out
                __awsenv_notice "the credentials file changed; re-read profile '$__awsenv_v'"
            else
                set -e -g AWSENV_WATCH
                __awsenv_quote "$AWSENV_PROFILE"
                __awsenv_notice "the credentials file changed and profile '$__awsenv_v' could not be re-read; fix it, then: awsenv use $__awsenv_q"
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
    __awsenv_remember
end

# Records what __awsenv_check left, for the guard: the variables it reads, as one string,
# and, when its result depends on the clock (keys with an end, and the time left when the
# prompt shows it), the uptime before which it holds: the session's end, the renewal
# window, the next retry, the segment's next change, a minute at most (so that a change
# of the wall clock counts within a minute), a second or two early rather than late. Not
# when a value holds the separator (two states could then read as one string), nor, for a
# result that depends on the clock, where there is no /proc/uptime: the check then runs
# every prompt.
function __awsenv_remember
    set -g __awsenv_memo
    set -g __awsenv_until
    # (Until a memo is made, the guard compares, and finds none.)
    set -g __awsenv_changed 1
    string match -q -- "*$__awsenv_sep*" "$AWSENV_PROFILE" "$AWS_ACCESS_KEY_ID" "$AWSENV_KEY_ID" "$AWS_PROFILE" \
        "$AWSENV_EXPIRY" "$AWSENV_AUTO_REFRESH" "$AWSENV_SEGMENT" "$AWSENV_PROMPT"
    and return 0
    if test -n "$AWSENV_PROFILE"; and __awsenv_has_expiry
        set -l keys (test -n "$AWS_ACCESS_KEY_ID"; and echo 1)
        set -l shown (test "$AWSENV_PROMPT" = 1 -a -n "$__awsenv_seg_until"; and echo 1)
        if test -n "$keys$shown"
            test -n "$__awsenv_uptime"; or return 0
            read -d ' ' -l up rest <$__awsenv_uptime; or return 0
            __awsenv_past_expiry
            set -l now (math $AWSENV_EXPIRY + $__awsenv_ago)
            set -l until (math $now + 60)
            if test -n "$keys"
                test $AWSENV_EXPIRY -lt $until; and set until $AWSENV_EXPIRY
                if test "$AWSENV_AUTO_REFRESH" = 1
                    set -l r (math $AWSENV_EXPIRY - 300)
                    if string match -qr '^[0-9]{1,18}$' -- "$__awsenv_retry_at"; and test $__awsenv_retry_at -gt $r
                        set r $__awsenv_retry_at
                    end
                    test $r -lt $until; and set until $r
                end
            end
            if test -n "$shown"; and test $__awsenv_seg_until -lt $until
                set until $__awsenv_seg_until
            end
            set -g __awsenv_until (math "$up + $until - $now - 2")
        end
    end
    set -g __awsenv_memo "k$AWSENV_PROFILE$__awsenv_sep$AWS_ACCESS_KEY_ID$__awsenv_sep$AWSENV_KEY_ID$__awsenv_sep$AWS_PROFILE$__awsenv_sep$AWSENV_EXPIRY$__awsenv_sep$AWSENV_AUTO_REFRESH$__awsenv_sep$AWSENV_SEGMENT$__awsenv_sep$AWSENV_PROMPT"
    set -e -g __awsenv_changed
end


# Completion: the commands and their options (`awsenv hook` renders them in as one
# `complete` line per command, in place of the comment below: split here at load, the table
# took about 40 command substitutions, 3 ms of every fish start), then profile names after
# use/export/exec/doctor/rotate (asked of `awsenv complete profiles`, so only when TAB is
# pressed) and shells after hook. Erased first, so sourcing twice does not list them twice.
complete -c awsenv -e
# @AWSENV_FISH_COMPLETE@
complete -c awsenv -f -n '__fish_seen_subcommand_from use export exec doctor rotate; and test (count (commandline -opc)) -eq 2' -a '(command $__awsenv_bin complete profiles 2>/dev/null)'
complete -c awsenv -f -n '__fish_seen_subcommand_from hook; and test (count (commandline -opc)) -eq 2' -a 'bash zsh fish tcsh pwsh'


test "$AWSENV_PROMPT" = 1; and __awsenv_prompt_install

# A universal copy of awsenv's own state (never meant to be one) would show a stale segment
# in every new shell.
for name in AWSENV_PROFILE AWSENV_KEY_ID AWSENV_EXPIRY AWSENV_REGION AWSENV_WATCH AWSENV_STAMP AWSENV_SEGMENT
    set -qU $name; and set -eU $name
end
__awsenv_segment_update
