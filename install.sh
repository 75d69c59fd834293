#!/bin/sh
# Installs awsenv from this clone: checks Node and npm, runs `npm ci` and `npm run build`,
# links PREFIX/bin/awsenv (default ~/.local/bin/awsenv) to the built dist/awsenv.js, writes
# the rendered shell hooks to DATA/awsenv/hook.{bash,zsh,fish,tcsh,ps1} and adds a marked
# block that sources them to the shells' start-up files (unless --no-modify-rc).
# Everything it creates is recorded in a manifest, so `--uninstall` removes that and only
# that. Plain POSIX sh (no `local`): dash, busybox ash, bash --posix, ksh. Never needs root.
#
# Why a symbolic link and not a copy or a wrapper script: dist/awsenv.js is one bundled file
# that starts with `#!/usr/bin/env node`, so the link runs as is; `npm run build` in the
# clone updates the installed command at once; and Node resolves the link, so the program
# finds the files next to it (shell/ hook scripts) in the clone. npm's own global install
# does the same (PREFIX/bin/awsenv -> ../lib/node_modules/awsenv/dist/awsenv.js).

# Keep in step with "engines" in package.json (test/install checks that they agree).
NODE_RANGE='^20.19.0 || ^22.12.0 || >=23'
TAB=$(printf '\t')
NL='
'
# The shells of `awsenv hook SHELL`, each rendered into a file that a start-up file sources.
HOOK_SHELLS='bash zsh fish tcsh pwsh'
# The block added to a start-up file is found again by these two lines' beginnings.
BLOCK_START='# >>> awsenv >>>'
BLOCK_END='# <<< awsenv <<<'
BLOCK_NOTE="(added by awsenv's install.sh; remove with ./install.sh --uninstall)"

usage() {
    cat <<EOF
Usage: ./install.sh [OPTIONS]

Builds awsenv from this clone, links it into PREFIX/bin, writes the shell hooks to
\${XDG_DATA_HOME:-\$HOME/.local/share}/awsenv/hook.* and sources them from ~/.bashrc,
\${ZDOTDIR:-\$HOME}/.zshrc, ~/.config/fish/conf.d/awsenv.fish, and ~/.tcshrc and the
PowerShell profile when those exist (a marked block in each; a new shell starts no Node).

Options:
  --prefix DIR     install the link as DIR/bin/awsenv (default: \$HOME/.local)
  --uninstall      remove what install.sh installed (with --prefix: only under DIR),
                   as recorded in \${XDG_DATA_HOME:-\$HOME/.local/share}/awsenv/install.manifest;
                   start-up files get their bytes from before the install back
  --no-modify-rc   write the hook files, but edit no shell start-up file (prints the
                   line to add by hand)
  --no-build       skip \`npm ci\` and \`npm run build\`; link the dist/awsenv.js already built
  -h, --help       show this help

Needs Node.js $NODE_RANGE and npm.
EOF
}

main() {
    set -u
    prefix=''
    action=install
    build=yes
    modify_rc=yes
    pending_dirs=''
    while [ $# -gt 0 ]; do
        case "$1" in
        --prefix)
            [ $# -ge 2 ] || usage_err "--prefix needs a directory"
            prefix=$2
            shift
            ;;
        --prefix=*) prefix=${1#--prefix=} ;;
        --uninstall) action=uninstall ;;
        --no-modify-rc) modify_rc=no ;;
        --no-build) build=no ;;
        -h | --help)
            usage
            return 0
            ;;
        *) usage_err "unknown option '$1'" ;;
        esac
        shift
    done

    [ -n "${HOME:-}" ] || err "HOME is not set"
    need_cmd dirname
    need_cmd mkdir
    need_cmd ln
    need_cmd mv
    need_cmd rm
    need_cmd rmdir
    need_cmd readlink
    need_cmd sort

    repo=$(cd "$(dirname "$0")" && pwd -P) || err "cannot find the directory of install.sh"
    scoped=yes
    if [ -z "$prefix" ]; then
        prefix=$HOME/.local
        scoped=no
    fi
    prefix=$(absolute "$prefix")
    bin_dir=${prefix%/}/bin
    link=$bin_dir/awsenv
    target=$repo/dist/awsenv.js
    data_home=${XDG_DATA_HOME:-}
    case "$data_home" in
    /*) ;;
    *) data_home=$HOME/.local/share ;; # XDG: a relative path is to be ignored
    esac
    manifest_dir=$data_home/awsenv
    manifest=$manifest_dir/install.manifest
    config_home=${XDG_CONFIG_HOME:-}
    case "$config_home" in
    /*) ;;
    *) config_home=$HOME/.config ;;
    esac
    zdotdir=${ZDOTDIR:-}
    if [ -z "$zdotdir" ] && [ "$action" != uninstall ]; then
        zdotdir=$(zsh_zdotdir)
    fi
    case "$zdotdir" in
    /*) ;;
    *) zdotdir=$HOME ;; # zsh itself would take a relative one from wherever it starts
    esac
    check_path "$prefix"
    check_path "$manifest"

    if [ "$action" = uninstall ]; then
        need_edit_cmds
        uninstall
        return
    fi
    check_node
    need_edit_cmds
    if [ "$build" = yes ]; then
        build_awsenv
    elif [ ! -f "$target" ]; then
        err "$target is not built; run ./install.sh without --no-build (or \`npm ci && npm run build\`)"
    fi
    install_link
    write_hooks || err "cannot write the hook files in $manifest_dir"
    if [ "$modify_rc" = yes ]; then
        add_blocks
    else
        show_blocks
    fi
    check_on_path
    say ""
    if [ "$modify_rc" = yes ]; then
        say "Done. In a new shell: awsenv use PROFILE"
    else
        say "Done. Try: eval \"\$(awsenv use PROFILE)\"   (fish: awsenv use PROFILE | source)"
    fi
}

# The tools that write the hook files and edit start-up files (after check_node, so that a
# missing node is what a machine without it hears about first).
need_edit_cmds() {
    need_cmd awk
    need_cmd cmp
    need_cmd cp
    need_cmd head
    need_cmd sed
    need_cmd tail
}

check_node() {
    check_cmd node ||
        err "awsenv needs Node.js $NODE_RANGE, but \`node\` is not on PATH. Install it from https://nodejs.org/, with your package manager, or with a version manager (nvm install --lts), then run ./install.sh again"
    node_path=$(command -v node)
    node_version=$(node --version 2>/dev/null) || err "\`$node_path --version\` failed; is $node_path a working Node.js?"
    if ! node_supported "$node_version"; then
        err "awsenv needs Node.js $NODE_RANGE, but $node_path is $node_version. Install a current LTS from https://nodejs.org/ or with your version manager (nvm install --lts), then run ./install.sh again"
    fi
    say "node $node_version ($node_path)"
}

# node_supported vMAJOR.MINOR.PATCH: whether that version is in NODE_RANGE.
node_supported() {
    _v=${1#v}
    _major=${_v%%.*}
    _rest=${_v#*.}
    _minor=${_rest%%.*}
    case "$_major$_minor" in
    '' | *[!0-9]*) return 1 ;;
    esac
    [ "$_major" -ge 23 ] && return 0
    [ "$_major" -eq 22 ] && [ "$_minor" -ge 12 ] && return 0
    [ "$_major" -eq 20 ] && [ "$_minor" -ge 19 ] && return 0
    return 1
}

build_awsenv() {
    check_cmd npm || err "npm is not on PATH; it comes with Node.js (https://nodejs.org/), or install your distribution's npm package"
    say "installing dependencies from package-lock.json (npm ci)"
    (cd "$repo" && npm ci --no-audit --no-fund --no-update-notifier) || err "\`npm ci\` failed in $repo"
    say "building dist/awsenv.js (npm run build)"
    (cd "$repo" && npm run build) || err "\`npm run build\` failed in $repo"
    [ -f "$target" ] || err "the build did not produce $target"
}

install_link() {
    if [ -L "$link" ]; then
        _current=$(readlink "$link")
        if [ "$_current" = "$target" ]; then
            say "$link already links to $target"
            record_link
            smoke_test
            return
        fi
        # Ours while it points where install.sh pointed it (say, into an earlier clone).
        [ "$_current" = "$(recorded_target "$link")" ] ||
            err "$link links to $_current, which install.sh did not install; remove it or choose another --prefix"
    elif [ -e "$link" ]; then
        err "$link exists and install.sh did not install it; remove it or choose another --prefix"
    fi
    make_dirs "$bin_dir"
    # A new link renamed over the old one: the command is never missing in between.
    ensure ln -s "$target" "$link.new.$$"
    if ! mv -f "$link.new.$$" "$link"; then
        rm -f "$link.new.$$"
        err "cannot create $link"
    fi
    record_link
    say "linked $link -> $target"
    smoke_test
}

smoke_test() {
    _version=$("$link" --version 2>&1) || err "$link --version failed: $_version"
    say "awsenv $_version is installed as $link"
}

check_on_path() {
    case ":$PATH:" in
    *":$bin_dir:"*)
        _found=$(command -v awsenv 2>/dev/null || true)
        if [ -n "$_found" ] && [ "$_found" != "$link" ]; then
            say "note: another awsenv comes first on PATH: $_found"
        fi
        ;;
    *)
        say ""
        say "$bin_dir is not on your PATH. Add it, then open a new shell:"
        say "  bash: echo 'export PATH=\"$bin_dir:\$PATH\"' >> ~/.bashrc"
        say "  zsh:  echo 'export PATH=\"$bin_dir:\$PATH\"' >> ~/.zshrc"
        say "  fish: fish_add_path '$bin_dir'"
        ;;
    esac
}

# --- shell start-up: hook files and rc blocks ---------------------------------------------
# `awsenv hook SHELL` is rendered here once, into DATA/awsenv/hook.SHELL, and each start-up
# file gets a block that sources that file if it is there: opening a shell then starts no
# Node process, where `eval "$(awsenv hook bash)"` in ~/.bashrc would start one every time.
# The block is three lines, found again by the start of its first and last line:
#   # >>> awsenv >>>  (added by awsenv's install.sh; remove with ./install.sh --uninstall)
#   if [ -f "$HOME/.local/share/awsenv/hook.bash" ]; then . "$HOME/.local/share/awsenv/hook.bash"; fi
#   # <<< awsenv <<<
# An `if`, not `[ -f … ] && . …`: without the hook file the start-up file would end on a
# failed command, and a prompt that shows the last status would start at 1.

# hook_file SHELL: where the hook for SHELL is written.
hook_file() {
    case "$1" in
    pwsh) printf '%s\n' "$manifest_dir/hook.ps1" ;;
    *) printf '%s\n' "$manifest_dir/hook.$1" ;;
    esac
}

# write_hooks: renders every hook with the installed link (its path is quoted into them) and
# writes each file that changed; a file whose content is already right is not touched.
write_hooks() {
    make_dirs "$manifest_dir"
    _wrote=0
    for _shell in $HOOK_SHELLS; do
        _hook=$(hook_file "$_shell")
        check_path "$_hook"
        if ! "$link" hook "$_shell" >"$_hook.new.$$" </dev/null; then
            rm -f "$_hook.new.$$"
            warn "\`$link hook $_shell\` failed"
            return 1
        fi
        put_file "$_hook.new.$$" "$_hook" || return 1
        record file "$_hook"
    done
    [ "$_wrote" -gt 0 ] || say "the hook files in $manifest_dir are up to date"
}

# put_file NEW FILE: renames NEW over FILE, unless FILE already holds exactly that (then NEW
# goes); counts a write in _wrote and says so.
put_file() {
    if [ -f "$2" ] && [ ! -L "$2" ] && cmp -s "$1" "$2"; then
        rm -f "$1"
        return 0
    fi
    if ! mv -f "$1" "$2"; then
        rm -f "$1"
        warn "cannot write $2"
        return 1
    fi
    _wrote=$((_wrote + 1))
    say "wrote $2"
}

# zsh_zdotdir: ZDOTDIR as zsh sets it for itself, when it is not in our environment: it is
# usually set in ~/.zshenv (ZDOTDIR=~/.config/zsh), which every zsh reads first, and then
# ~/.zshrc is not read at all. The value follows a marker line, in case ~/.zshenv prints.
zsh_zdotdir() {
    command -v zsh >/dev/null 2>&1 || return 0
    zsh -c 'printf "\n%s\n%s" awsenv-zdotdir: "${ZDOTDIR:-}"' </dev/null 2>/dev/null |
        sed -n '/^awsenv-zdotdir:$/{n;p;}'
}

# rc_files: the start-up files, one a line: SHELL, PATH, and WHEN it gets a block: `always`
# (created when missing) or `existing` (only a file the user already has: tcsh and PowerShell
# users are few, and an empty profile made for nobody would be clutter). fish gets a file of
# its own in conf.d instead (fish_conf).
rc_files() {
    printf 'bash\t%s\talways\n' "$HOME/.bashrc"
    printf 'zsh\t%s\talways\n' "${zdotdir%/}/.zshrc"
    printf 'tcsh\t%s\texisting\n' "$HOME/.tcshrc"
    printf 'pwsh\t%s\texisting\n' "$config_home/powershell/Microsoft.PowerShell_profile.ps1"
}

fish_conf() {
    printf '%s\n' "$config_home/fish/conf.d/awsenv.fish"
}

add_blocks() {
    _edited=''
    _list=$(rc_files)
    while IFS=$TAB read -r _shell _rc _when; do
        add_block "$_shell" "$_rc" "$_when" </dev/null
    done <<EOF
$_list
EOF
    # fish reads every conf.d/*.fish at start: a whole file, holding the same block.
    rc_block fish
    _fish=$(fish_conf)
    check_path "$_fish"
    if [ -f "$_fish" ] && [ ! -L "$_fish" ] && [ "$(cat "$_fish"; echo .)" = "$block$NL." ]; then
        say "$_fish already has the awsenv block"
        record file "$_fish"
    elif { [ -e "$_fish" ] || [ -L "$_fish" ]; } && ! recorded file "$_fish" >/dev/null; then
        warn "left $_fish alone: install.sh did not write it (remove it and run install.sh again to have it replaced)"
    else
        make_dirs "$(dirname "$_fish")"
        _wrote=0
        if printf '%s\n' "$block" >"$_fish.new.$$" && put_file "$_fish.new.$$" "$_fish"; then
            record file "$_fish"
        else
            rm -f "$_fish.new.$$"
        fi
    fi
}

# show_blocks: for --no-modify-rc, the line to add by hand to each start-up file.
show_blocks() {
    say "no shell start-up file changed (--no-modify-rc). To load the hook in a new shell, add:"
    _list=$(rc_files)
    while IFS=$TAB read -r _shell _rc _when; do
        if [ "$_when" = always ] || [ -e "$_rc" ]; then
            rc_block "$_shell"
            say "  to $_rc: $_do"
        fi
    done <<EOF
$_list
EOF
    rc_block fish
    say "  as $(fish_conf): $_do"
}

# rc_block SHELL: sets `block` to the block for SHELL (three lines, no final line break) and
# `_do` to its middle line.
rc_block() {
    _q=$(quote_path "$1" "$(hook_file "$1")")
    case "$1" in
    bash | zsh) _do="if [ -f $_q ]; then . $_q; fi" ;;
    fish) _do="if test -f $_q; source $_q; end" ;;
    # tcsh(1): `if (expr) command`, the one `if` that fits a line; -f is a file inquiry.
    tcsh) _do="if ( -f $_q ) source $_q" ;;
    pwsh) _do="if (Test-Path -LiteralPath $_q) { . $_q }" ;;
    esac
    block="$BLOCK_START  $BLOCK_NOTE$NL$_do$NL$BLOCK_END"
}

# quote_path SHELL PATH: PATH as one word of SHELL, in double quotes, written from $HOME when
# it lies there (the block then reads as a user would write it). Each shell gives some
# characters a meaning inside double quotes, and those are escaped (history expansion, the
# other meaning of `!` in bash and zsh, applies to typed lines, not to a sourced file):
# - bash, zsh: \ $ ` " (POSIX, 2.2.3 Double-Quotes);
# - fish: \ $ " (fish documentation, "Quotes");
# - PowerShell: ` $ " and the curly double quotes, which it takes for " (about_Quoting_Rules);
# - tcsh has no escape inside double quotes: a path with " $ ` ! \ is written in single quotes
#   after "$HOME", with ' and ! outside them as \' and \! (as src/shells/tcsh.ts does).
quote_path() {
    _pre=''
    _rest=$2
    case "$2" in
    "$HOME"/*)
        # shellcheck disable=SC2016 # the block says $HOME, for the shell that reads it
        _pre='$HOME'
        _rest=/${2#"$HOME"/}
        ;;
    esac
    case "$1" in
    bash | zsh) printf '"%s%s"\n' "$_pre" "$(printf '%s\n' "$_rest" | LC_ALL=C sed 's/[\\$`"]/\\&/g')" ;;
    fish) printf '"%s%s"\n' "$_pre" "$(printf '%s\n' "$_rest" | LC_ALL=C sed 's/[\\$"]/\\&/g')" ;;
    pwsh)
        _ldq=$(printf '\342\200\234')
        _rdq=$(printf '\342\200\235')
        _lowdq=$(printf '\342\200\236')
        # shellcheck disable=SC2016 # a sed script: ` and $ are the characters to escape
        printf '"%s%s"\n' "$_pre" "$(printf '%s\n' "$_rest" |
            LC_ALL=C sed -e 's/[`$"]/`&/g' -e "s/$_ldq/\`&/g" -e "s/$_rdq/\`&/g" -e "s/$_lowdq/\`&/g")"
        ;;
    tcsh)
        case "$_rest" in
        *[\"\$\`\!\\]*)
            # shellcheck disable=SC2016 # as above
            [ -z "$_pre" ] || _pre='"$HOME"'
            printf '%s%s\n' "$_pre" "$(printf '%s\n' "$_rest" | LC_ALL=C sed -e "s/['!]/'\\\\&'/g" -e "s/^/'/" -e "s/\$/'/")"
            ;;
        *) printf '"%s%s"\n' "$_pre" "$_rest" ;;
        esac
        ;;
    esac
}

# add_block SHELL RC WHEN: puts SHELL's block into the start-up file RC (WHEN: `always`,
# creating RC when missing; `existing`, only if it is there), or brings a block that is
# there up to date in place; records RC and how the block went in, for --uninstall.
# Every other byte of the file stays; a symbolic link is followed and its target edited.
add_block() {
    rc_block "$1"
    _rc=$2
    check_path "$_rc"
    if [ ! -e "$_rc" ] && [ ! -L "$_rc" ]; then
        [ "$3" = always ] || return 0
        make_dirs "$(dirname "$_rc")"
        if ! printf '%s\n' "$block" >"$_rc.awsenv.$$" || ! mv -f "$_rc.awsenv.$$" "$_rc"; then
            rm -f "$_rc.awsenv.$$"
            warn "cannot create $_rc"
            return 0
        fi
        record rc "$_rc" created
        say "created $_rc with the awsenv block"
        return 0
    fi
    rc_file "$_rc" || return 0
    case "$NL$_edited" in
    *"$NL$_file$NL"*)
        warn "left $_rc alone: it is $_file, which has just had the block of another shell"
        return 0
        ;;
    esac
    _edited="$_edited$_file$NL"
    if ! block_range "$_file"; then
        warn "left $_rc alone: its awsenv block has no end line ($BLOCK_END); fix or remove it by hand"
        return 0
    fi
    if [ -n "$range_start" ]; then
        _how=$(recorded rc "$_rc") || _how=appended
        if [ "$(print_lines "$_file" "$range_start" "$range_end")" = "$block" ]; then
            say "$_rc already has the awsenv block"
        elif rewrite "$_file" with_new_block; then
            say "updated the awsenv block in $_rc$_via"
        else
            warn "cannot write $_file; the awsenv block in $_rc is left as it was"
            return 0
        fi
        record rc "$_rc" "$_how"
        return 0
    fi
    # A file that does not end in a line break gets one before the block (else the block's
    # first line would continue the file's last); --uninstall takes it out again.
    _how=appended
    if [ -s "$_file" ] && [ "$(tail -c 1 "$_file"; echo .)" != "$NL." ]; then
        _how=newline
    fi
    if ! rewrite "$_file" with_block_added; then
        warn "cannot write $_file; add the awsenv block to $_rc by hand (see ./install.sh --no-modify-rc)"
        return 0
    fi
    record rc "$_rc" "$_how"
    say "added the awsenv block to $_rc$_via"
}

# remove_block RC HOW: takes the awsenv block out of RC (and any copy of it), giving back
# the bytes from before the install: with the line break added before it (HOW `newline`),
# or the whole file when install.sh created it and it holds nothing else (HOW `created`).
remove_block() {
    _rc=$1
    if [ ! -e "$_rc" ] && [ ! -L "$_rc" ]; then
        say "$_rc is gone; no awsenv block to remove"
        return 0
    fi
    rc_file "$_rc" || return 0
    _n=0
    _strip=no
    while block_range "$_file" && [ -n "$range_start" ]; do
        if [ "$_n" -eq 0 ] && ! after_line "$_file" "$range_end"; then
            if [ "$2" = created ] && [ "$range_start" -eq 1 ] && [ "$_file" = "$_rc" ]; then
                ensure rm -f "$_rc"
                say "removed $_rc (install.sh created it for the awsenv block)"
                return 0
            fi
            if [ "$2" = newline ] && [ "$range_start" -gt 1 ]; then _strip=yes; fi
        fi
        if ! rewrite "$_file" without_block; then
            warn "cannot write $_file; remove the awsenv block from $_rc by hand"
            return 0
        fi
        _strip=no
        _n=$((_n + 1))
        [ "$_n" -lt 20 ] || break
    done
    if [ -n "$range_start" ] && [ -z "$range_end" ]; then
        warn "an awsenv block in $_rc has no end line ($BLOCK_END); it is left as it is"
    fi
    if [ "$_n" -eq 0 ]; then
        say "no awsenv block left in $_rc"
    else
        say "removed the awsenv block from $_rc$_via"
    fi
}

# rc_file RC: sets _file to the regular file that RC is or that its symbolic links lead to
# (dotfile managers link ~/.bashrc into a repository: the target is edited, the link stays),
# and _via to a note naming it; fails, saying why, when there is none.
rc_file() {
    _file=$1
    _hops=0
    while [ -L "$_file" ]; do
        _hops=$((_hops + 1))
        if [ "$_hops" -gt 40 ] || ! _to=$(readlink "$_file"); then
            warn "left $1 alone: cannot follow its symbolic links"
            return 1
        fi
        case "$_to" in
        /*) _file=$_to ;;
        *) _file=$(dirname "$_file")/$_to ;;
        esac
    done
    if [ ! -f "$_file" ]; then
        warn "left $1 alone: it is not a file, nor a link to one"
        return 1
    fi
    _via=''
    [ "$_file" = "$1" ] || _via=" (through its link, in $_file)"
}

# block_range FILE: sets range_start and range_end to the line numbers of the first awsenv
# block's first and last line (both empty when there is none); fails when the block has no
# last line. The markers are matched at the start of a line, so a \r\n line end still does.
block_range() {
    _r=$(LC_ALL=C awk -v a="$BLOCK_START" -v b="$BLOCK_END" '
        !s && index($0, a) == 1 { s = NR; next }
        s && index($0, b) == 1 { e = NR; exit }
        END { if (s) print s " " e }' "$1")
    range_start=${_r%% *}
    range_end=${_r#* }
    [ -z "$range_start" ] || [ -n "$range_end" ]
}

# print_lines FILE FROM TO: those lines of FILE.
print_lines() {
    LC_ALL=C awk -v a="$2" -v b="$3" 'NR > b { exit } NR >= a { print }' "$1"
}

# after_line FILE N: whether FILE has anything after line N.
after_line() {
    LC_ALL=C awk -v n="$2" 'NR > n { found = 1; exit } END { exit !found }' "$1"
}

# rewrite FILE PRODUCER: FILE's new content is what `PRODUCER FILE` prints. It goes to a
# temporary file beside FILE, made by cp -p so that it has FILE's mode, which is then renamed
# over FILE: a crash leaves the old file whole.
rewrite() {
    _tmp=$1.awsenv.$$
    if cp -p "$1" "$_tmp" && "$2" "$1" >"$_tmp" && mv -f "$_tmp" "$1"; then
        return 0
    fi
    rm -f "$_tmp"
    return 1
}

# The producers for rewrite: byte for byte, as cat, head and tail copy lines as they are.
with_block_added() {
    cat "$1" || return
    if [ "$_how" = newline ]; then printf '\n'; fi
    printf '%s\n' "$block"
}

with_new_block() {
    if [ "$range_start" -gt 1 ]; then head -n "$((range_start - 1))" "$1" || return; fi
    printf '%s\n' "$block"
    tail -n "+$((range_end + 1))" "$1"
}

without_block() {
    if [ "$_strip" = yes ]; then
        # The block ends the file and the line break before it was install.sh's: the line
        # before the block goes out without it.
        if [ "$range_start" -gt 2 ]; then head -n "$((range_start - 2))" "$1" || return; fi
        LC_ALL=C awk -v n="$((range_start - 1))" 'NR == n { printf "%s", $0; exit }' "$1"
    else
        if [ "$range_start" -gt 1 ]; then head -n "$((range_start - 1))" "$1" || return; fi
        tail -n "+$((range_end + 1))" "$1"
    fi
}

# --- the manifest --------------------------------------------------------------------------
# One record per line, fields separated by a tab:
#   dir PATH           a directory install.sh created (removed on uninstall only if empty)
#   link PATH TARGET   a symbolic link install.sh made (removed only while it points to TARGET)
#   file PATH          a file install.sh wrote whole: a hook file, fish's conf.d/awsenv.fish
#   rc PATH HOW        a start-up file that install.sh put the awsenv block into; HOW says
#                      what to undo: `created` (there was no PATH), `appended` (the block
#                      was added at the end), `newline` (the file did not end in a line
#                      break, so one went in before the block)

# make_dirs DIR: mkdir -p, noting each directory it creates (outermost first) for the manifest.
make_dirs() {
    [ -d "$1" ] && return
    make_dirs "$(dirname "$1")"
    ensure mkdir "$1"
    pending_dirs="${pending_dirs}dir$TAB$1
"
}

# record_link: records the link (replacing an older record of it) and the directories
# created for it.
record_link() {
    record link "$link" "$target"
}

# record KIND PATH [VALUE]: puts that record in the manifest in place of any earlier record
# of KIND for PATH, after the directories created for it; leaves the manifest untouched
# when it already says exactly that.
record() {
    make_dirs "$manifest_dir"
    if [ $# -ge 3 ]; then _rec="$1$TAB$2$TAB$3"; else _rec="$1$TAB$2"; fi
    if [ -z "$pending_dirs" ] && has_record "$_rec"; then
        return 0
    fi
    _text=''
    if [ -f "$manifest" ]; then
        while IFS= read -r _line; do
            case "$_line" in
            "$1$TAB$2" | "$1$TAB$2$TAB"*) ;;
            *) _text="$_text$_line
" ;;
            esac
        done <"$manifest"
    fi
    write_manifest "$_text$pending_dirs$_rec
"
    pending_dirs=''
}

# has_record LINE: whether the manifest holds exactly that record.
has_record() {
    [ -f "$manifest" ] || return 1
    while IFS= read -r _line; do
        [ "$_line" = "$1" ] && return 0
    done <"$manifest"
    return 1
}

# write_manifest TEXT: replaces the manifest with TEXT, atomically.
write_manifest() {
    if ! printf '%s' "$1" >"$manifest.new.$$" || ! mv -f "$manifest.new.$$" "$manifest"; then
        rm -f "$manifest.new.$$"
        err "cannot write $manifest"
    fi
}

# recorded KIND PATH: prints the value the manifest records for PATH (a link's target, an rc
# file's HOW); fails if there is no such record.
recorded() {
    [ -f "$manifest" ] || return 1
    while IFS=$TAB read -r _kind _path _value; do
        if [ "$_kind" = "$1" ] && [ "$_path" = "$2" ]; then
            printf '%s\n' "$_value"
            return 0
        fi
    done <"$manifest"
    return 1
}

# recorded_target LINK: prints the target the manifest records for LINK; fails if none.
recorded_target() {
    recorded link "$1"
}

uninstall() {
    if [ ! -f "$manifest" ]; then
        say "nothing to uninstall: $manifest does not exist"
        return
    fi
    # What stays recorded: installs outside --prefix, and directories that are not empty.
    _keep=''
    _removed=0
    # Links first; a link is removed only while it is still the one install.sh made.
    while IFS=$TAB read -r _kind _path _target; do
        [ "$_kind" = link ] || continue
        if ! in_scope "$_path"; then
            _keep="${_keep}link$TAB$_path$TAB$_target
"
        elif [ -L "$_path" ] && [ "$(readlink "$_path")" = "$_target" ]; then
            ensure rm -f "$_path"
            say "removed $_path"
            _removed=$((_removed + 1))
        elif [ -e "$_path" ] || [ -L "$_path" ]; then
            say "left $_path alone: it is no longer the link install.sh made"
        fi
    done <"$manifest"
    if [ "$_removed" -eq 0 ]; then
        if [ "$scoped" = yes ]; then say "no link of install.sh to remove under $prefix"; else say "no link of install.sh to remove"; fi
    fi
    [ -n "$_keep" ] && _links_left=yes || _links_left=no
    # The hook files and the start-up blocks serve whichever awsenv is installed: they stay
    # while a link does, and go with the last one.
    while IFS=$TAB read -r _kind _path _how; do
        case "$_kind" in
        file | rc) ;;
        *) continue ;;
        esac
        if [ "$_links_left" = yes ]; then
            _keep="$_keep$_kind$TAB$_path${_how:+$TAB$_how}
"
        elif [ "$_kind" = rc ]; then
            remove_block "$_path" "$_how" </dev/null
        elif [ -f "$_path" ] || [ -L "$_path" ]; then
            ensure rm -f "$_path"
            say "removed $_path"
        fi
    done <"$manifest"
    # Then directories, deepest first, each only if empty. When no link is left, the
    # manifest goes too, and with it every directory install.sh created.
    _dirs=$(LC_ALL=C sort -r "$manifest" | while IFS=$TAB read -r _kind _path _rest; do
        if [ "$_kind" = dir ]; then printf '%s\n' "$_path"; fi
    done)
    [ "$_links_left" = yes ] || ensure rm -f "$manifest"
    while IFS= read -r _path; do
        [ -n "$_path" ] || continue
        if [ "$_links_left" = yes ] && ! in_scope "$_path"; then
            _keep="${_keep}dir$TAB$_path
"
        elif [ -d "$_path" ]; then
            if rmdir "$_path" 2>/dev/null; then
                say "removed $_path/ (empty; install.sh created it)"
            elif [ "$_links_left" = yes ]; then
                _keep="${_keep}dir$TAB$_path
"
            fi
        fi
    done <<EOF
$_dirs
EOF
    if [ "$_links_left" = yes ]; then
        write_manifest "$_keep"
        say "still installed elsewhere (see $manifest)"
        [ "$_removed" -eq 0 ] || repoint_hooks
    fi
}

# repoint_hooks: after links were removed, renders the hook files again from the link that
# was installed last of those left, so that they do not run a command that is gone.
repoint_hooks() {
    [ -f "$(hook_file bash)" ] || return 0
    _last=''
    while IFS=$TAB read -r _kind _path _target; do
        if [ "$_kind" = link ] && [ -L "$_path" ] && [ "$(readlink "$_path")" = "$_target" ]; then
            _last=$_path
        fi
    done <"$manifest"
    [ -n "$_last" ] || return 0
    link=$_last
    write_hooks || warn "the hook files in $manifest_dir still run a removed awsenv; run install.sh again"
}

# in_scope PATH: whether --uninstall removes PATH (everything, or what lies under --prefix).
in_scope() {
    [ "$scoped" = no ] && return 0
    case "$1" in
    "$prefix" | "$prefix"/*) return 0 ;;
    esac
    return 1
}

# --- helpers -------------------------------------------------------------------------------

# absolute DIR: DIR as an absolute path, without trailing slashes.
absolute() {
    case "$1" in
    /*) _dir=$1 ;;
    *) _dir=$(pwd)/$1 ;;
    esac
    while [ "${_dir%/}" != "$_dir" ] && [ "$_dir" != / ]; do _dir=${_dir%/}; done
    printf '%s\n' "$_dir"
}

# check_path PATH: refuses paths the manifest cannot hold (one record per line, tab-separated).
check_path() {
    case "$1" in
    *"$TAB"* | *'
'*) err "a path with a tab or newline is not supported: $1" ;;
    esac
}

say() {
    if [ -n "$1" ]; then printf 'awsenv install: %s\n' "$1"; else echo; fi
}

err() {
    printf 'awsenv install: error: %s\n' "$1" >&2
    exit 1
}

warn() {
    printf 'awsenv install: warning: %s\n' "$1" >&2
}

usage_err() {
    printf 'awsenv install: %s (see ./install.sh --help)\n' "$1" >&2
    exit 2
}

need_cmd() {
    check_cmd "$1" || err "need '$1' (command not found)"
}

check_cmd() {
    command -v "$1" >/dev/null 2>&1
}

# Runs a command that should not fail; stops with the command in the message if it does.
ensure() {
    "$@" || err "command failed: $*"
}

# In braces, so that a partly downloaded script does not run.
{
    main "$@" || exit 1
}
