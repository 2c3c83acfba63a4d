#!/usr/bin/env bash
# git init/add/commit/log/branch/merge in a --rw dir with fixed identities and
# dates, so commit hashes must be identical natively and in the sandbox.
. "$(dirname "$0")/helpers.sh" "$@"

need git || { skip git "git not installed"; finish; }

make_files() {
	mkdir -p src docs
	printf 'int main(void) { return 0; }\n' >src/main.c
	printf '# readme\n' >README.md
	printf 'notes\n' >docs/notes.txt
	chmod 0755 src
	printf '#!/bin/sh\n' >run.sh
	chmod 0755 run.sh
	ln -s README.md link
}

GITENV='export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null HOME="$W"
export GIT_AUTHOR_NAME=Moat GIT_AUTHOR_EMAIL=moat@example.com
export GIT_COMMITTER_NAME=Moat GIT_COMMITTER_EMAIL=moat@example.com
export GIT_AUTHOR_DATE="2020-01-02T03:04:05Z" GIT_COMMITTER_DATE="2020-01-02T03:04:05Z"
'
compare_native git_commit make_files "$GITENV"'
git init -q -b main . && git add -A && git commit -q -m "first commit"
git log --oneline; git rev-parse HEAD; git ls-files -s; git status --porcelain
echo change >>README.md; git commit -qam "second"; git log --format="%H %s %an %ad" --date=iso-strict
git fsck --no-progress 2>&1; git count-objects | cut -d, -f1'
compare_native git_branches make_files "$GITENV"'
git init -q -b main . && git add -A && git commit -q -m base
git checkout -q -b feature && echo f >feature.txt && git add feature.txt && git commit -qm feature
git checkout -q main && echo m >main.txt && git add main.txt && git commit -qm main
git merge -q --no-edit feature && git log --graph --oneline --all
git tag v1 && git describe --tags; git gc -q --prune=now && git log --oneline | wc -l'
compare_native git_clone_local make_files "$GITENV"'
git init -q -b main origin && cp -r src origin/ && git -C origin add -A && git -C origin commit -qm init
git clone -q origin clone 2>&1 && git -C clone log --oneline && ls clone/src'
compare_native git_dubious_ownership make_files "$GITENV"'
git init -q -b main . && git status --porcelain | sort'
finish
