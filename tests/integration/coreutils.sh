#!/usr/bin/env bash
# Coreutils, tar and find in a --rw scratch dir: the same commands natively
# and in the sandbox must print the same thing. Nothing is normalized: times
# are pinned with `touch -h -d` before listing, so `ls -laR --full-time`
# (owners, modes, sizes, link counts, times) must match exactly — inside a
# --rw dir owners are the caller's, as on the host.
. "$(dirname "$0")/helpers.sh" "$@"

# A small tree with files, subdirs, a symlink, a hard link, odd names, modes.
make_tree() {
	mkdir -p tree/a/b/c tree/empty tree/'with space'
	printf 'alpha\n' >tree/a/one.txt
	printf 'beta\n%.0s' {1..500} >tree/a/b/two.txt
	head -c 70000 /dev/zero | tr '\0' 'z' >tree/a/b/c/big.bin
	printf 'x' >tree/'with space'/'file name'
	printf '#!/bin/sh\necho run\n' >tree/script.sh
	chmod 0755 tree/script.sh
	chmod 0600 tree/a/one.txt
	chmod 0750 tree/a/b
	ln -s a/one.txt tree/link
	ln -s missing tree/dangling
	ln tree/a/b/two.txt tree/hard
	mkfifo tree/fifo
	pin_times .
}

pin_times() {
	find "$@" -exec touch -h -d '2001-02-03 04:05:06.789 UTC' {} +
}
# compare_native runs the script under bash -c: give it the helper.
PIN='pin() { find "$@" -exec touch -h -d "2001-02-03 04:05:06.789 UTC" {} +; }'

compare_native ls_laR make_tree 'ls -laR --full-time tree'
compare_native ls_numeric make_tree 'ls -lanR --time-style=+%s tree | sed 1q; ls -ln tree/a'
compare_native stat_format make_tree \
	'find tree -print0 | sort -z | xargs -0 stat -c "%n %F %a %s %h %u %g %Y"'
compare_native cp_a make_tree "$PIN"'; cp -a tree copy && pin . && ls -laR --full-time copy | sed 1d
	diff -r --no-dereference tree copy && echo same'
compare_native cp_r_and_cat make_tree 'cp -r tree/a plain && cat plain/one.txt && wc -c plain/b/c/big.bin'
compare_native mv make_tree "$PIN"'; mv tree/a moved && mv tree/script.sh moved/ && mv moved tree/again
	pin .; ls -laR --full-time tree; cat tree/again/one.txt; tree/again/script.sh'
compare_native mv_noclobber make_tree 'echo new > n; mv -n n tree/a/one.txt; cat tree/a/one.txt; ls n'
compare_native rm_r make_tree 'rm -r tree/a && ls -A tree && rm -rf tree && ls -A'
compare_native tar_roundtrip make_tree "$PIN"'; tar czf t.tgz tree && mkdir out && tar xzf t.tgz -C out
	tar tvzf t.tgz | sort -k6; pin .; ls -laR --full-time out | sed 1d'
compare_native tar_bytes make_tree \
	'tar --sort=name --format=gnu -cf t.tar tree && sha256sum t.tar && tar tf t.tar | wc -l'
compare_native find_sorted make_tree \
	'find . -type f | sort; find . -type l | sort; find . -type d | sort; find . -newer tree/a -print | sort'
compare_native du make_tree 'du -s --apparent-size tree; du -a --apparent-size -b tree | sort -k2'
compare_native sha256sum make_tree 'find tree -type f -print0 | sort -z | xargs -0 sha256sum'
compare_native chmod_chown_touch make_tree "$PIN"'; chmod -R go-rwx tree/a; chown -R "$(id -u):$(id -g)" tree
	pin .; touch -d @1234567890 tree/a/one.txt; ls -la --full-time tree/a tree/a/b'
compare_native ln_readlink make_tree \
	'ln -sf ../script.sh tree/a/s; readlink tree/a/s; readlink -f tree/link | sed "s|^$W/||"; ls -l tree/link | cut -d" " -f9-'
compare_native mkdir_p_install make_tree \
	"$PIN"'; mkdir -p x/y/z && install -m 0640 tree/a/one.txt x/y/z/ && pin . && ls -laR --full-time x'
compare_native dd_truncate make_tree \
	'dd if=/dev/zero of=z bs=1k count=64 status=none; truncate -s 1000 z; stat -c "%s %b" z; cmp z z && echo ok'
compare_native sort_uniq_wc make_tree \
	'cat tree/a/b/two.txt tree/a/one.txt | sort | uniq -c; wc -l tree/a/b/two.txt'
compare_native df_type make_tree 'stat -f -c "%T" .'
compare_native missing_file_errors make_tree 'ls nope; cat nope; cp nope x; mv nope y; echo done'
finish
