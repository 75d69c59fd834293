#!/bin/sh
# Installs awsenv from this clone: checks Node and npm, runs `npm ci` and `npm run build`,
# and links PREFIX/bin/awsenv (default ~/.local/bin/awsenv) to the built dist/awsenv.js.
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

usage() {
    cat <<EOF
Usage: ./install.sh [OPTIONS]

Builds awsenv from this clone and links it into PREFIX/bin.

Options:
  --prefix DIR     install the link as DIR/bin/awsenv (default: \$HOME/.local)
  --uninstall      remove what install.sh installed (with --prefix: only under DIR),
                   as recorded in \${XDG_DATA_HOME:-\$HOME/.local/share}/awsenv/install.manifest
  --no-modify-rc   do not edit shell start-up files (this version never edits them)
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
        --no-modify-rc) ;; # this version edits no start-up file; accepted so scripts can pass it
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
    check_path "$prefix"
    check_path "$manifest"

    if [ "$action" = uninstall ]; then
        uninstall
        return
    fi
    check_node
    if [ "$build" = yes ]; then
        build_awsenv
    elif [ ! -f "$target" ]; then
        err "$target is not built; run ./install.sh without --no-build (or \`npm ci && npm run build\`)"
    fi
    install_link
    check_on_path
    say ""
    say "Done. Try: eval \"\$(awsenv use PROFILE)\"   (fish: awsenv use PROFILE | source)"
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

# --- the manifest --------------------------------------------------------------------------
# One record per line, fields separated by a tab:
#   dir PATH           a directory install.sh created (removed on uninstall only if empty)
#   link PATH TARGET   a symbolic link install.sh made (removed only while it points to TARGET)

# make_dirs DIR: mkdir -p, noting each directory it creates (outermost first) for the manifest.
make_dirs() {
    [ -d "$1" ] && return
    make_dirs "$(dirname "$1")"
    ensure mkdir "$1"
    pending_dirs="${pending_dirs}dir$TAB$1
"
}

# record_link: records the link (replacing an older record of it) and the directories
# created for it; leaves the manifest untouched when it already says exactly that.
record_link() {
    make_dirs "$manifest_dir"
    if [ -z "$pending_dirs" ] && [ "$(recorded_target "$link")" = "$target" ]; then
        return 0
    fi
    _text=''
    if [ -f "$manifest" ]; then
        while IFS= read -r _line; do
            case "$_line" in
            "link$TAB$link$TAB"*) ;;
            *) _text="$_text$_line
" ;;
            esac
        done <"$manifest"
    fi
    write_manifest "$_text${pending_dirs}link$TAB$link$TAB$target
"
    pending_dirs=''
}

# write_manifest TEXT: replaces the manifest with TEXT, atomically.
write_manifest() {
    if ! printf '%s' "$1" >"$manifest.new.$$" || ! mv -f "$manifest.new.$$" "$manifest"; then
        rm -f "$manifest.new.$$"
        err "cannot write $manifest"
    fi
}

# recorded_target LINK: prints the target the manifest records for LINK; fails if none.
recorded_target() {
    [ -f "$manifest" ] || return 1
    while IFS=$TAB read -r _kind _path _target; do
        if [ "$_kind" = link ] && [ "$_path" = "$1" ]; then
            printf '%s\n' "$_target"
            return 0
        fi
    done <"$manifest"
    return 1
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
    fi
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
