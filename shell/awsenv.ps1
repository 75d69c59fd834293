# awsenv hook for PowerShell (5.1 and 7). Add to $PROFILE:
#   awsenv hook pwsh | Out-String | Invoke-Expression
# Same behaviour as shell/awsenv.bash (read that file's comments): the `awsenv` wrapper, the
# prompt segment in $AWSENV_SEGMENT (and `awsenv_prompt`; $env:AWSENV_PROMPT = '1' puts it in
# front of the prompt), and a check on every prompt that starts no process unless something
# changed: it reads only variables, the clock ([DateTimeOffset]) and file times ([IO.File]).
# It works under Set-StrictMode -Version Latest: no variable is read before it is set.
# https://learn.microsoft.com/powershell/module/microsoft.powershell.core/about/about_prompts

$global:__awsenv_bin = '@AWSENV_BIN@'
if ($global:__awsenv_bin -eq '@AWSENV_BIN@') { $global:__awsenv_bin = 'awsenv' }
if (-not (Test-Path Variable:global:__awsenv_retry_at)) { $global:__awsenv_retry_at = 0 }
if (-not (Test-Path Variable:global:AWSENV_SEGMENT)) { $global:AWSENV_SEGMENT = '' }

# Sets or (for $null) removes a variable. Not [Environment]::SetEnvironmentVariable($name,
# $null): PowerShell passes $null to a string parameter as '', and .NET 9 and later keep an
# empty variable instead of removing it (found in pwsh 7.6, test/hooks/pwsh.test.ts).
function global:__awsenv_setenv([string]$name, $value) {
    if ($null -eq $value) { Remove-Item -LiteralPath "Env:$name" -ErrorAction Ignore }
    else { Set-Item -LiteralPath "Env:$name" -Value $value }
}

# Runs the CLI with AWSENV_SHELL=pwsh (and the given extra variables) for this one call:
# PowerShell has no `NAME=value command` prefix, so they are set and put back. A bundled .js
# is started with node (Windows does not run a script by its shebang).
function global:__awsenv_invoke {
    param([hashtable]$Env = @{}, [string[]]$Arguments = @(), [switch]$Quiet)
    $vars = @{ AWSENV_SHELL = 'pwsh' } + $Env
    $saved = @{}
    foreach ($name in $vars.Keys) {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        [Environment]::SetEnvironmentVariable($name, $vars[$name])
    }
    try {
        $command = if ($global:__awsenv_bin -like '*.js') { @('node', $global:__awsenv_bin) } else { @($global:__awsenv_bin) }
        $rest = @($command | Select-Object -Skip 1) + $Arguments
        if ($Quiet) { & $command[0] @rest 2>$null } else { & $command[0] @rest }
    } finally {
        foreach ($name in $saved.Keys) { __awsenv_setenv $name $saved[$name] }
    }
}

# The statements `use`/`clear` print are applied only when it exited 0 (its stdout is then
# only PowerShell code, one statement a line); anything else runs as it is.
function global:awsenv {
    $apply = $args.Count -gt 0 -and ("$($args[0])" -ceq 'use' -or "$($args[0])" -ceq 'clear')
    if ($apply) {
        foreach ($arg in $args) {
            if ("$arg" -ceq '--') { break }
            if (@('-h', '--help', '--version', '--dry-run') -ccontains "$arg") { $apply = $false; break }
        }
    }
    if (-not $apply) {
        __awsenv_invoke -Arguments ([string[]]$args)
        return
    }
    if (__awsenv_consumed $MyInvocation (Get-PSCallStack)) {
        # Someone reads what it prints (`awsenv use x | Invoke-Expression`,
        # `Invoke-Expression (awsenv use x)`, `$s = awsenv use x`): the statements, not applied,
        # as without the hook, as one string (so that `Invoke-Expression (…)` gets a script,
        # not an array it cannot take). On failure that is the CLI's one `throw`.
        $out = __awsenv_invoke -Arguments ([string[]]$args)
        if ($null -ne $out) { @($out) -join "`n" }
        return
    }
    $out = __awsenv_invoke -Arguments ([string[]]$args)
    if ($global:LASTEXITCODE -eq 0) {
        $code = @($out) -join "`n"
        if ($code) { Invoke-Expression $code }
        __awsenv_segment_update
    }
}

# Whether the output of the wrapper's call ($inv, its $MyInvocation; $stack, the call stack
# from inside it) is taken by someone rather than shown: piped on (but not to Out-Null), an
# argument of a command (`Invoke-Expression (…)`, `iex "$(…)"`), or assigned (but not to
# $null). PowerShell runs all of these in this very process, so applying would work, but
# the caller would get nothing: Invoke-Expression fails on it, and a failure would not show.
# The call is found in the caller's script by its line and column; when it cannot be, only
# a pipe is seen, and the statements are applied as before.
function global:__awsenv_consumed($inv, $stack) {
    $piped = $inv.PipelinePosition -lt $inv.PipelineLength
    try {
        $full = $stack[1].Position.StartScriptPosition.GetFullScript()
        if (-not $full) { return $piped }
        $ast = [System.Management.Automation.Language.Parser]::ParseInput($full, [ref]$null, [ref]$null)
        $line = $inv.ScriptLineNumber
        $column = $inv.OffsetInLine
        $node = $ast.Find({
                param($a)
                $a -is [System.Management.Automation.Language.CommandAst] -and
                $a.Extent.StartLineNumber -eq $line -and $a.Extent.StartColumnNumber -eq $column
            }, $true)
    } catch { return $piped }
    if (-not $node) { return $piped }
    for (;;) {
        $parent = $node.Parent
        if ($parent -is [System.Management.Automation.Language.PipelineAst]) {
            $i = $parent.PipelineElements.IndexOf($node)
            if ($i -lt $parent.PipelineElements.Count - 1) {
                $next = $parent.PipelineElements[$i + 1]
                return -not ($next -is [System.Management.Automation.Language.CommandAst] -and $next.GetCommandName() -in @('Out-Null'))
            }
        } elseif ($parent -is [System.Management.Automation.Language.CommandAst]) {
            return $parent.GetCommandName() -notin @('Out-Null')
        } elseif ($parent -is [System.Management.Automation.Language.AssignmentStatementAst]) {
            $left = $parent.Left
            return -not ($left -is [System.Management.Automation.Language.VariableExpressionAst] -and $left.VariablePath.UserPath -eq 'null')
        } elseif ($parent -is [System.Management.Automation.Language.StatementBlockAst]) {
            # A block's statements are its value only inside $( ) and @( ).
            if (-not ($parent.Parent -is [System.Management.Automation.Language.SubExpressionAst] -or
                    $parent.Parent -is [System.Management.Automation.Language.ArrayExpressionAst])) { return $false }
        } elseif (-not ($parent -is [System.Management.Automation.Language.ParenExpressionAst] -or
                $parent -is [System.Management.Automation.Language.SubExpressionAst] -or
                $parent -is [System.Management.Automation.Language.ArrayExpressionAst] -or
                $parent -is [System.Management.Automation.Language.ExpandableStringExpressionAst] -or
                $parent -is [System.Management.Automation.Language.CommandExpressionAst])) {
            return $false
        }
        $node = $parent
    }
}

# 42s, 42m, 3h5m, 3d: the same as `awsenv current`.
function global:__awsenv_duration([long]$s) {
    if ($s -lt 60) { return "${s}s" }
    if ($s -lt 3600) { return "$([math]::Floor($s / 60))m" }
    if ($s -lt 172800) {
        $h = [math]::Floor($s / 3600)
        $m = [math]::Floor($s / 60) % 60
        if ($m -ne 0) { return "${h}h${m}m" }
        return "${h}h"
    }
    return "$([math]::Floor($s / 86400))d"
}

# $s with its control characters escaped (\e, \x07, \x9b), for everything a person reads:
# a profile named with ESC ] 0 ; … BEL would otherwise retitle the terminal or hide text.
function global:__awsenv_visible([string]$s) {
    if ($s -cnotmatch '\p{Cc}') { return $s }
    $b = [System.Text.StringBuilder]::new()
    foreach ($c in $s.ToCharArray()) {
        if ([int]$c -eq 27) { [void]$b.Append('\e') }
        elseif ([char]::IsControl($c)) { [void]$b.Append(('\x{0:x2}' -f [int]$c)) }
        else { [void]$b.Append($c) }
    }
    $b.ToString()
}

# $s as a word to paste into PowerShell (single-quoted unless plain), made visible: the fix
# commands in notices.
function global:__awsenv_quote([string]$s) {
    __awsenv_visible (__awsenv_word $s)
}

# $s single-quoted for PowerShell (each of its four single quotes doubled) unless plain.
function global:__awsenv_word([string]$s) {
    if ($s -cmatch '^[A-Za-z0-9_.%+=:/][A-Za-z0-9_.%+=:/@-]*$') { return $s }
    "'" + ($s -replace "['\u2018\u2019\u201A\u201B]", '$0$0') + "'"
}

# Sets $AWSENV_SEGMENT: "aws:PROFILE 42m", "aws:PROFILE expired", "aws:unmanaged" for keys
# awsenv did not set, or ''. A prompt that shows it writes the string: it is never evaluated.
function global:__awsenv_segment_update {
    if (-not $env:AWSENV_PROFILE) {
        $global:AWSENV_SEGMENT = if ($env:AWS_ACCESS_KEY_ID) { 'aws:unmanaged' } else { '' }
        return
    }
    # Runs on every prompt: functions are called only when needed (each call costs more than
    # the rest of this function).
    $name = $env:AWSENV_PROFILE
    if ($name -cmatch '\p{Cc}') { $name = __awsenv_visible $name }
    $segment = 'aws:' + $name
    [long]$expiry = 0
    if ($env:AWSENV_EXPIRY -and [long]::TryParse($env:AWSENV_EXPIRY, [ref]$expiry)) {
        $left = $expiry - [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
        if ($left -le 0) { $segment += ' expired' } else { $segment += ' ' + (__awsenv_duration $left) }
    }
    $global:AWSENV_SEGMENT = $segment
}

function global:awsenv_prompt {
    __awsenv_segment_update
    $global:AWSENV_SEGMENT
}

function global:__awsenv_notice([string]$message) {
    [Console]::Error.WriteLine("awsenv: $message")
}

function global:__awsenv_forget {
    foreach ($name in 'AWSENV_PROFILE', 'AWSENV_KEY_ID', 'AWSENV_EXPIRY', 'AWSENV_REGION', 'AWSENV_WATCH', 'AWSENV_STAMP') {
        Remove-Item -LiteralPath "Env:$name" -ErrorAction Ignore
    }
}

function global:__awsenv_drop_keys {
    foreach ($name in 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CREDENTIAL_EXPIRATION', 'AWSENV_KEY_ID') {
        Remove-Item -LiteralPath "Env:$name" -ErrorAction Ignore
    }
}

# `awsenv use PROFILE` without a terminal: the output, or $null when it failed.
function global:__awsenv_reread([switch]$Quiet) {
    $out = __awsenv_invoke -Env @{ AWSENV_NONINTERACTIVE = '1' } -Arguments @('use', $env:AWSENV_PROFILE) -Quiet:$Quiet
    if ($global:LASTEXITCODE -eq 0) { return (@($out) -join "`n") }
    return $null
}

# Runs before every prompt (from the wrapped prompt function, which keeps $? and
# $LASTEXITCODE). Comparisons are case-sensitive (-cne): key ids and profile names are.
function global:__awsenv_guard {
    if (-not $env:AWSENV_PROFILE) {
        if ($global:AWSENV_SEGMENT -or $env:AWS_ACCESS_KEY_ID) { __awsenv_segment_update }
        return
    }
    $profileName = $env:AWSENV_PROFILE
    if ("$env:AWS_ACCESS_KEY_ID" -cne "$env:AWSENV_KEY_ID") {
        # Someone else exported keys: they are theirs now, and the prompt says so.
        __awsenv_notice "AWS_ACCESS_KEY_ID was changed outside awsenv; no longer managing profile '$(__awsenv_visible $profileName)'"
        __awsenv_forget
    } elseif ("$env:AWS_PROFILE" -cne $profileName) {
        # Exported keys beat AWS_PROFILE in every AWS tool: left alone they would shadow it.
        if ($env:AWS_ACCESS_KEY_ID) {
            $hint = if ($env:AWS_PROFILE) { __awsenv_quote $env:AWS_PROFILE } else { 'PROFILE' }
            __awsenv_notice "AWS_PROFILE is now '$(__awsenv_visible $env:AWS_PROFILE)': dropped the keys of '$(__awsenv_visible $profileName)' so they do not shadow it; run: awsenv use $hint"
        }
        __awsenv_drop_keys
        __awsenv_forget
    } else {
        [long]$expiry = 0
        $hasExpiry = $env:AWSENV_EXPIRY -and [long]::TryParse($env:AWSENV_EXPIRY, [ref]$expiry)
        if ($hasExpiry -and $env:AWS_ACCESS_KEY_ID) {
            $now = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
            if ($env:AWSENV_AUTO_REFRESH -eq '1' -and $now -ge $expiry - 300 -and $now -ge $global:__awsenv_retry_at) {
                $global:__awsenv_retry_at = $now + 60
                $code = __awsenv_reread -Quiet
                if ($code) { Invoke-Expression $code }
                $hasExpiry = $env:AWSENV_EXPIRY -and [long]::TryParse($env:AWSENV_EXPIRY, [ref]$expiry)
            }
            if ($hasExpiry -and $expiry -le $now) {
                __awsenv_drop_keys
                __awsenv_notice "the session of '$(__awsenv_visible $profileName)' has expired and was removed; renew it with: awsenv use $(__awsenv_quote $profileName)"
            }
        }
        if ($env:AWSENV_WATCH) {
            # .NET, not Get-Item: a cmdlet costs a millisecond of every prompt. A missing file's
            # time is 1601-01-01 (FromFileTimeUtc(0)), not an error.
            $missing = [DateTime]::FromFileTimeUtc(0)
            $watch = [IO.File]::GetLastWriteTimeUtc($env:AWSENV_WATCH)
            $stamp = if ($env:AWSENV_STAMP) { [IO.File]::GetLastWriteTimeUtc($env:AWSENV_STAMP) } else { $missing }
            if ($watch -ne $missing -and ($stamp -eq $missing -or $watch -gt $stamp)) {
                # The keys in the file changed (rotated): one process, only now.
                $code = __awsenv_reread
                if ($null -ne $code) {
                    if ($code) { Invoke-Expression $code }
                    __awsenv_notice "the credentials file changed; re-read profile '$(__awsenv_visible $profileName)'"
                } else {
                    $env:AWSENV_WATCH = $null
                    __awsenv_notice "the credentials file changed and profile '$(__awsenv_visible $profileName)' could not be re-read; fix it, then: awsenv use $(__awsenv_quote $profileName)"
                }
            }
        }
    }
    __awsenv_segment_update
}

# The prompt wrapper: the guard first, then the segment in front of the prompt it wraps.
# $? cannot be assigned: a failed Write-Error (ignored, kept out of $Error) makes it false
# again for the wrapped prompt, as starship does.
# $LASTEXITCODE is unset until a native command ran; under strict mode it is read only after
# Test-Path finds it, and put back only if it was there.
if (-not (Test-Path Variable:global:__awsenv_prompt_wrapper)) {
    $global:__awsenv_prompt_wrapper = {
        $lastOk = $?
        $hadCode = Test-Path Variable:global:LASTEXITCODE
        $lastCode = if ($hadCode) { $global:LASTEXITCODE } else { $null }
        try { __awsenv_guard } catch { __awsenv_notice "$_" }
        if ($hadCode) { $global:LASTEXITCODE = $lastCode }
        $segment = ''
        if ($env:AWSENV_PROMPT -eq '1' -and -not $env:STARSHIP_SHELL -and $global:AWSENV_SEGMENT) { $segment = "($($global:AWSENV_SEGMENT)) " }
        if (-not $lastOk) { Write-Error '' -ErrorAction Ignore }
        $segment + (& $global:__awsenv_prompt_orig)
    }
}

# Wraps the current prompt function, unless it is ours already: run now, and again when a
# prompt installed after this hook (oh-my-posh, starship, a profile's own) replaced ours.
function global:__awsenv_wrap_prompt {
    $current = $function:global:prompt
    if ([object]::ReferenceEquals($current, $global:__awsenv_prompt_wrapper)) { return $false }
    if (-not $current) { $current = { "PS $($executionContext.SessionState.Path.CurrentLocation)$('>' * ($nestedPromptLevel + 1)) " } }
    $global:__awsenv_prompt_orig = $current
    Set-Item -Path Function:global:prompt -Value $global:__awsenv_prompt_wrapper
    return $true
}
[void](__awsenv_wrap_prompt)

# A prompt set after this hook replaces ours. PSReadLine raises PowerShell.OnIdle while it
# waits for a key (about every 300 ms); the check then compares one reference, starts no
# process, and only after a replacement wraps the new prompt and has PSReadLine draw it
# again. Registered once, however often this is run.
if (-not (Test-Path Variable:global:__awsenv_idle)) {
    $global:__awsenv_idle = $true
    $null = Register-EngineEvent -SourceIdentifier PowerShell.OnIdle -SupportEvent -Action {
        if ((__awsenv_wrap_prompt) -and (Get-Module PSReadLine)) {
            [Microsoft.PowerShell.PSConsoleReadLine]::InvokePrompt()
        }
    }
}

# Completion (TAB, and TabExpansion2 for editors): commands, then profile names (asked of the
# CLI with `awsenv complete profiles`, so only when TAB is pressed), shells after `hook` and
# `--shell`, and each command's options. A name that is not a plain word is offered quoted,
# so that accepting it never runs it.
# Commands and options come from the one table in src/commands/hook.ts, rendered in here
# (`command --option …` a line), the same table every other hook completes from.
$global:__awsenv_commands = @()
$global:__awsenv_options = @{}
foreach ($line in (('@AWSENV_COMPLETION@') -split "`n")) {
    $w = @($line -split ' ')
    $global:__awsenv_commands += $w[0]
    $global:__awsenv_options[$w[0]] = @($w | Select-Object -Skip 1) + '--help'
}
Register-ArgumentCompleter -Native -CommandName awsenv -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $start = $cursorPosition - "$wordToComplete".Length
    $words = @($commandAst.CommandElements | Select-Object -Skip 1 | Where-Object { $_.Extent.EndOffset -le $start } | ForEach-Object {
        if ($_ -is [System.Management.Automation.Language.StringConstantExpressionAst]) { $_.Value } else { $_.Extent.Text }
    })
    $positional = @($words | Select-Object -Skip 1 | Where-Object { -not "$_".StartsWith('-') })
    $previous = if ($words.Count -gt 0) { $words[-1] } else { '' }
    $shells = @('bash', 'zsh', 'sh', 'fish', 'pwsh', 'cmd', 'setx', 'tcsh')
    $kind = 'ParameterValue'
    if ($words.Count -eq 0) {
        $candidates = $global:__awsenv_commands
        $kind = 'Command'
    } elseif ($previous -ceq '--shell') {
        $candidates = $shells
    } elseif ($previous -ceq '--format') {
        $candidates = @('process')
    } elseif ("$wordToComplete".StartsWith('-')) {
        $candidates = @($global:__awsenv_options[$words[0]])
        $kind = 'ParameterName'
    } elseif ($positional.Count -eq 0 -and @('use', 'export', 'exec', 'doctor', 'rotate') -ccontains $words[0]) {
        $candidates = @(__awsenv_invoke -Arguments @('complete', 'profiles') -Quiet)
    } elseif ($positional.Count -eq 0 -and $words[0] -ceq 'hook') {
        $candidates = @('bash', 'zsh', 'fish', 'tcsh', 'pwsh')
    } else {
        return
    }
    # What is typed so far. A quoted word arrives closed ('de' for 'de): its quotes are taken
    # off and its doubled quotes undone.
    $prefix = "$wordToComplete"
    $quoted = $prefix -cmatch "^['\u2018\u2019\u201A\u201B]"
    if ($quoted) { $prefix = ($prefix -replace "^.(.*?)['\u2018\u2019\u201A\u201B]?$", '$1') -replace "(['\u2018\u2019\u201A\u201B])\1", '$1' }
    foreach ($c in $candidates) {
        if (-not "$c".StartsWith($prefix, [System.StringComparison]::Ordinal)) { continue }
        $text = if ($kind -ne 'ParameterValue') { $c } elseif ($quoted) { "'" + ("$c" -replace "['\u2018\u2019\u201A\u201B]", '$0$0') + "'" } else { __awsenv_word $c }
        [System.Management.Automation.CompletionResult]::new($text, (__awsenv_visible $c), $kind, (__awsenv_visible $c))
    }
}
__awsenv_segment_update
