#!/bin/sh
# Installs awsenv from this clone: checks Node and npm, runs `npm ci` and `npm run build`,
# links PREFIX/bin/awsenv (default ~/.local/bin/awsenv) to the built dist/awsenv.js, then
# runs `awsenv setup`, which writes the shell hooks and the start-up file blocks (the one
# editor of a user's rc files, in TypeScript: src/commands/setup.ts). This script keeps only
# what needs no Node of ours. The link and the directories made for it are recorded in the
# manifest that setup shares, so `--uninstall` removes that and only that.
# Plain POSIX sh (no `local`): dash, busybox ash, bash --posix, ksh. Refuses root unless
# --allow-root.
#
# Why a symbolic link and not a copy or a wrapper script: dist/awsenv.js is one bundled file
# that starts with `#!/usr/bin/env node`, so the link runs as is; `npm run build` in the
# clone updates the installed command at once; and Node resolves the link, so the program
# finds the files next to it (shell/ hook scripts) in the clone. npm's own global install
# does the same (PREFIX/bin/awsenv -> ../lib/node_modules/awsenv/dist/awsenv.js).

# Keep in step with "engines" in package.json (test/install checks that they agree).
NODE_RANGE='^20.19.0 || ^22.12.0 || >=23'
TAB=$(printf '\t')

usage() {
    cat <<EOF
Usage: ./install.sh [OPTIONS]

Builds awsenv from this clone, links it into PREFIX/bin, then runs \`awsenv setup\`: the
shell hooks go to \${XDG_DATA_HOME:-\$HOME/.local/share}/awsenv/hook.*, sourced from
~/.bashrc, \${ZDOTDIR:-\$HOME}/.zshrc, ~/.config/fish/conf.d/awsenv.fish, ~/.tcshrc when it
exists and PowerShell's profile when PowerShell is installed (a marked block in each; a new
shell starts no Node).

Options:
  --prefix DIR     install the link as DIR/bin/awsenv (default: \$HOME/.local)
  --uninstall      remove what install.sh and awsenv setup installed (with --prefix: only
                   the link under DIR), as recorded in
                   \${XDG_DATA_HOME:-\$HOME/.local/share}/awsenv/install.manifest; start-up
                   files get their bytes from before the install back
  --purge          with --uninstall: also remove the session cache (sessions and stamps)
  --no-modify-rc   write the hook files, but edit no shell start-up file (prints the
                   line to add by hand)
  --no-build       skip \`npm ci\` and \`npm run build\`; link the dist/awsenv.js already built
  --allow-root     run as root (refused otherwise: see below)
  -h, --help       show this help

Needs Node.js $NODE_RANGE and npm. Not as root: the link, the hooks and the start-up
files belong to the user who will use awsenv; as root they would be root's (or, under
sudo, root-owned files in that user's home). --allow-root when root is that user.
EOF
}

main() {
    set -u
    prefix=''
    action=install
    build=yes
    modify_rc=yes
    allow_root=no
    purge=no
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
        --purge) purge=yes ;;
        --no-modify-rc) modify_rc=no ;;
        --no-build) build=no ;;
        --allow-root) allow_root=yes ;;
        -h | --help)
            usage
            return 0
            ;;
        *) usage_err "unknown option '$1'" ;;
        esac
        shift
    done
    [ "$purge" = no ] || [ "$action" = uninstall ] || usage_err "--purge goes with --uninstall"

    [ -n "${HOME:-}" ] || err "HOME is not set"
    if [ "$(id -u 2>/dev/null)" = 0 ] && [ "$allow_root" = no ]; then
        err "refusing to run as root: the link, the shell hooks and the start-up files belong to the user who will use awsenv; as root they would be root's (or, under sudo, root-owned files in that user's home). Run ./install.sh as that user, or pass --allow-root if root is that user"
    fi
    need_cmd dirname
    need_cmd mkdir
    need_cmd ln
    need_cmd mv
    need_cmd rm
    need_cmd rmdir
    need_cmd readlink

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
    check_path "$prefix"
    check_path "$manifest"
    setup_flags=''
    [ "$allow_root" = no ] || setup_flags='--allow-root'

    if [ "$action" = uninstall ]; then
        need_cmd chmod
        need_cmd sort
        uninstall
        return
    fi
    check_node
    # (After check_node, so that a missing node is what a machine without it hears about first.)
    need_cmd chmod
    need_cmd sed
    if [ "$build" = yes ]; then
        build_awsenv
    elif [ ! -f "$target" ]; then
        err "$target is not built; run ./install.sh without --no-build (or \`npm ci && npm run build\`)"
    fi
    install_link
    # The hooks and the start-up files: awsenv's own editor, run as the installed command,
    # so the hooks name the link.
    [ "$modify_rc" = yes ] || setup_flags="$setup_flags --no-modify-rc"
    # shellcheck disable=SC2086 # setup_flags: words of our own
    "$link" setup $setup_flags </dev/null || err "\`$link setup\` failed"
    check_on_path
    say ""
    if [ "$modify_rc" = yes ]; then
        say "Done. In a new shell: awsenv use PROFILE"
    else
        say "Done. Try: eval \"\$(awsenv use PROFILE)\"   (fish: awsenv use PROFILE | source)"
    fi
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

# check_on_path: when the bin directory is not on PATH, the lines that put it there, safe to
# paste whatever the directory is called (quoted for each shell; from $HOME when it lies there).
check_on_path() {
    case ":$PATH:" in
    *":$bin_dir:"*)
        _found=$(command -v awsenv 2>/dev/null || true)
        if [ -n "$_found" ] && [ "$_found" != "$link" ]; then
            say "note: another awsenv comes first on PATH: $_found"
        fi
        ;;
    *)
        # shellcheck disable=SC2016 # $HOME and $PATH: for the shell the line is pasted into
        case "$bin_dir" in
        "$HOME"/*)
            _rel=${bin_dir#"$HOME"/}
            case "$_rel" in
            *[!A-Za-z0-9_./-]*) _sh='"$HOME"/'"$(sh_quote "$_rel")"':"$PATH"' ;;
            *) _sh='"$HOME/'"$_rel"':$PATH"' ;;
            esac
            ;;
        *) _sh="$(sh_quote "$bin_dir")"':"$PATH"' ;;
        esac
        say ""
        say "$bin_dir is not on your PATH. Add this line to ~/.bashrc (or ~/.zshrc), then open a new shell:"
        say "  export PATH=$_sh"
        say "fish: fish_add_path -- $(fish_quote "$bin_dir")"
        ;;
    esac
}

# sh_quote TEXT: TEXT in single quotes for sh, bash and zsh (a ' inside as '\'').
sh_quote() {
    printf '%s\n' "$1" | sed -e "s/'/'\\\\''/g" -e "1s/^/'/" -e "\$s/\$/'/"
}

# fish_quote TEXT: TEXT in single quotes for fish (\ and ' inside escaped with \).
fish_quote() {
    printf '%s\n' "$1" | sed -e "s/[\\\\']/\\\\&/g" -e "1s/^/'/" -e "\$s/\$/'/"
}

# --- the manifest (shared with awsenv setup) -----------------------------------------------
# One record per line, fields separated by a tab. install.sh writes `link PATH TARGET` (the
# link it made; removed only while it points to TARGET) and `dir PATH` (a directory it
# created; removed on uninstall only if empty); setup writes the rest (src/commands/setup.ts).

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

# write_manifest TEXT: replaces the manifest with TEXT, atomically, mode 0600 whatever the
# umask (created under umask 077, then chmod: the umask can only take bits away).
write_manifest() {
    if ! (umask 077 && printf '%s' "$1" >"$manifest.new.$$") || ! chmod 600 "$manifest.new.$$" ||
        ! mv -f "$manifest.new.$$" "$manifest"; then
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
    # What stays recorded: links outside --prefix, and every record of setup's.
    _keep=''
    _removed=0
    _links_left=no
    while IFS=$TAB read -r _kind _path _target; do
        if [ "$_kind" != link ]; then
            _keep="$_keep$_kind$TAB$_path${_target:+$TAB$_target}
"
        elif ! in_scope "$_path"; then
            _keep="${_keep}link$TAB$_path$TAB$_target
"
            _links_left=yes
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
    if [ "$_links_left" = yes ]; then
        # The directories made for the links removed here (under --prefix), deepest first,
        # each only if empty; the others stay recorded.
        _dirs=$(printf '%s' "$_keep" | LC_ALL=C sort -r | while IFS=$TAB read -r _kind _path _rest; do
            if [ "$_kind" = dir ] && in_scope "$_path"; then printf '%s\n' "$_path"; fi
        done)
        while IFS= read -r _path; do
            [ -n "$_path" ] || continue
            if rmdir "$_path" 2>/dev/null || [ ! -d "$_path" ]; then
                [ -d "$_path" ] || say "removed $_path/ (empty; install.sh created it)"
                _keep=$(printf '%s' "$_keep" | while IFS= read -r _line; do
                    [ "$_line" = "dir$TAB$_path" ] || printf '%s\n' "$_line"
                done)
                _keep="$_keep
"
            fi
        done <<EOF
$_dirs
EOF
    fi
    write_manifest "$_keep"
    if [ "$_links_left" = yes ]; then
        say "still installed elsewhere (see $manifest)"
        [ "$_removed" -eq 0 ] || repoint_hooks
        return
    fi
    # The hooks and start-up blocks serve whichever awsenv is installed: they go with the
    # last link, and with them every empty directory recorded and the manifest.
    _flags=$setup_flags
    [ "$purge" = no ] || _flags="$_flags --purge"
    if check_cmd node && [ -f "$target" ]; then
        # shellcheck disable=SC2086 # _flags: words of our own
        node "$target" setup --uninstall $_flags </dev/null || err "\`awsenv setup --uninstall\` failed"
    else
        warn "cannot run \`awsenv setup --uninstall\` (no node, or no $target): the hook files and start-up blocks listed in $manifest are left; remove them by hand"
    fi
}

# repoint_hooks: after links were removed, renders the hook files again from the link that
# was installed last of those left, so that they do not run a command that is gone.
repoint_hooks() {
    _last=''
    while IFS=$TAB read -r _kind _path _target; do
        if [ "$_kind" = link ] && [ -L "$_path" ] && [ "$(readlink "$_path")" = "$_target" ]; then
            _last=$_path
        fi
    done <"$manifest"
    [ -n "$_last" ] || return 0
    # shellcheck disable=SC2086
    "$_last" setup --hooks-only $setup_flags </dev/null ||
        warn "the hook files in $manifest_dir still run a removed awsenv; run install.sh again"
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
