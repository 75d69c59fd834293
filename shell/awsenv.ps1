# awsenv hook for PowerShell (5.1 and 7). Add to $PROFILE:
#   awsenv hook pwsh | Out-String | Invoke-Expression
# Same behaviour as shell/awsenv.bash (read that file's comments): the `awsenv` wrapper, the
# prompt segment in $AWSENV_SEGMENT (and `awsenv_prompt`; $env:AWSENV_PROMPT = '1' puts it in
# front of the prompt), and a check on every prompt that starts no process unless something
# changed: it reads only variables, the clock ([DateTimeOffset]) and file times (Get-Item).
# It works under Set-StrictMode -Version Latest: no variable is read before it is set.
# https://learn.microsoft.com/powershell/module/microsoft.powershell.core/about/about_prompts

$global:__awsenv_bin = '@AWSENV_BIN@'
if ($global:__awsenv_bin -eq '@AWSENV_BIN@') { $global:__awsenv_bin = 'awsenv' }
if (-not (Test-Path Variable:global:__awsenv_retry_at)) { $global:__awsenv_retry_at = 0 }
if (-not (Test-Path Variable:global:AWSENV_SEGMENT)) { $global:AWSENV_SEGMENT = '' }

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
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
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
    $out = __awsenv_invoke -Arguments ([string[]]$args)
    if ($global:LASTEXITCODE -eq 0) {
        $code = @($out) -join "`n"
        if ($code) { Invoke-Expression $code }
        __awsenv_segment_update
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

function global:__awsenv_now { [DateTimeOffset]::UtcNow.ToUnixTimeSeconds() }

# AWSENV_EXPIRY as a number, or $null when unset or not one.
function global:__awsenv_expiry {
    [long]$expiry = 0
    if ($env:AWSENV_EXPIRY -and [long]::TryParse($env:AWSENV_EXPIRY, [ref]$expiry)) { return $expiry }
    return $null
}

# Sets $AWSENV_SEGMENT: "aws:PROFILE 42m", "aws:PROFILE expired", "aws:unmanaged" for keys
# awsenv did not set, or ''. A prompt that shows it writes the string: it is never evaluated.
function global:__awsenv_segment_update {
    if (-not $env:AWSENV_PROFILE) {
        $global:AWSENV_SEGMENT = if ($env:AWS_ACCESS_KEY_ID) { 'aws:unmanaged' } else { '' }
        return
    }
    $segment = "aws:$($env:AWSENV_PROFILE)"
    $expiry = __awsenv_expiry
    if ($null -ne $expiry) {
        $left = $expiry - (__awsenv_now)
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
        [Environment]::SetEnvironmentVariable($name, $null)
    }
}

function global:__awsenv_drop_keys {
    foreach ($name in 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CREDENTIAL_EXPIRATION', 'AWSENV_KEY_ID') {
        [Environment]::SetEnvironmentVariable($name, $null)
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
        __awsenv_notice "AWS_ACCESS_KEY_ID was changed outside awsenv; no longer managing profile '$profileName'"
        __awsenv_forget
    } elseif ("$env:AWS_PROFILE" -cne $profileName) {
        # Exported keys beat AWS_PROFILE in every AWS tool: left alone they would shadow it.
        if ($env:AWS_ACCESS_KEY_ID) {
            $hint = if ($env:AWS_PROFILE) { $env:AWS_PROFILE } else { 'PROFILE' }
            __awsenv_notice "AWS_PROFILE is now '$($env:AWS_PROFILE)': dropped the keys of '$profileName' so they do not shadow it; run: awsenv use $hint"
        }
        __awsenv_drop_keys
        __awsenv_forget
    } else {
        $expiry = __awsenv_expiry
        if ($null -ne $expiry -and $env:AWS_ACCESS_KEY_ID) {
            $now = __awsenv_now
            if ($env:AWSENV_AUTO_REFRESH -eq '1' -and $now -ge $expiry - 300 -and $now -ge $global:__awsenv_retry_at) {
                $global:__awsenv_retry_at = $now + 60
                $code = __awsenv_reread -Quiet
                if ($code) { Invoke-Expression $code }
                $expiry = __awsenv_expiry
            }
            if ($null -ne $expiry -and $expiry -le $now) {
                __awsenv_drop_keys
                __awsenv_notice "the session of '$profileName' has expired and was removed; renew it with: awsenv use $profileName"
            }
        }
        if ($env:AWSENV_WATCH) {
            $watch = Get-Item -LiteralPath $env:AWSENV_WATCH -Force -ErrorAction Ignore
            $stamp = if ($env:AWSENV_STAMP) { Get-Item -LiteralPath $env:AWSENV_STAMP -Force -ErrorAction Ignore } else { $null }
            if ($watch -and (-not $stamp -or $watch.LastWriteTimeUtc -gt $stamp.LastWriteTimeUtc)) {
                # The keys in the file changed (rotated): one process, only now.
                $code = __awsenv_reread
                if ($null -ne $code) {
                    if ($code) { Invoke-Expression $code }
                    __awsenv_notice "the credentials file changed; re-read profile '$profileName'"
                } else {
                    $env:AWSENV_WATCH = $null
                    __awsenv_notice "the credentials file changed and profile '$profileName' could not be re-read; fix it, then: awsenv use $profileName"
                }
            }
        }
    }
    __awsenv_segment_update
}

# Install once, however often this is run: the prompt function is wrapped, the guard first.
# $? cannot be assigned: a failed Write-Error (ignored, kept out of $Error) makes it false
# again for the original prompt, as starship does.
# $LASTEXITCODE is unset until a native command ran; under strict mode it is read with
# Get-Variable, and put back only if it was there.
if (-not (Test-Path Variable:global:__awsenv_prompt_orig)) {
    $global:__awsenv_prompt_orig = $function:prompt
    if (-not $global:__awsenv_prompt_orig) {
        $global:__awsenv_prompt_orig = { "PS $($executionContext.SessionState.Path.CurrentLocation)$('>' * ($nestedPromptLevel + 1)) " }
    }
    function global:prompt {
        $lastOk = $?
        $lastCode = Get-Variable -Name LASTEXITCODE -Scope Global -ErrorAction Ignore
        try { __awsenv_guard } catch { __awsenv_notice "$_" }
        if ($lastCode) { $global:LASTEXITCODE = $lastCode.Value }
        $segment = ''
        if ($env:AWSENV_PROMPT -eq '1' -and -not $env:STARSHIP_SHELL -and $global:AWSENV_SEGMENT) { $segment = "($($global:AWSENV_SEGMENT)) " }
        if (-not $lastOk) { Write-Error '' -ErrorAction Ignore }
        $segment + (& $global:__awsenv_prompt_orig)
    }
}
__awsenv_segment_update
