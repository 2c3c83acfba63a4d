#!/usr/bin/env bash
# A bash script with functions, pipes, subshells, here-docs, globbing,
# command substitution, background jobs and wait: same output natively and
# in the sandbox.
. "$(dirname "$0")/helpers.sh" "$@"

need bash || { skip shell "bash not installed"; finish; }

make_script() {
	mkdir -p files/sub
	for i in 3 1 2 10; do echo "content $i" >"files/f$i.txt"; done
	touch files/sub/.hidden files/sub/visible files/other.log
	cat >script.sh <<'SCRIPT'
set -u
shopt -s nullglob
greet() { local who=$1; printf 'hello %s\n' "$who"; return 3; }
greet world; echo "status=$?"
count_lines() { wc -l | tr -d ' '; }
echo "lines: $(printf 'a\nb\nc\n' | count_lines)"
echo "glob: $(echo files/*.txt)"
echo "glob sub: $(cd files/sub && echo *)"
shopt -s dotglob; echo "dotglob: $(cd files/sub && echo *)"; shopt -u dotglob
echo "no match: [$(echo files/*.none)]"
outer=1; (outer=2; echo "subshell sees $outer"); echo "parent keeps $outer"
{ echo grouped; echo twice; } | sort -r
cat <<EOT
here-doc with $outer and $(echo substitution)
EOT
cat <<'EOT'
quoted $outer stays
EOT
read -r first rest <<<"here string words"; echo "first=$first rest=$rest"
arr=(zeta alpha "mid dle"); IFS=$'\n' sorted=($(printf '%s\n' "${arr[@]}" | sort)); unset IFS
echo "array: ${#arr[@]} sorted: ${sorted[*]}"
declare -A map=([b]=2 [a]=1); for k in $(printf '%s\n' "${!map[@]}" | sort); do echo "$k=${map[$k]}"; done
for f in files/f*.txt; do printf '%s ' "$(cat "$f" | cut -d' ' -f2)"; done; echo
for n in 1 2 3 4 5; do (sleep "0.$((6 - n))"; echo "job $n" >"out.$n") & done
wait; cat out.1 out.2 out.3 out.4 out.5
sleep 0.1 & bgpid=$!; wait "$bgpid"; echo "bg status $?"
(exit 7) & wait $!; echo "bg exit $?"
false | true; echo "pipe status ${PIPESTATUS[*]}"
set -o pipefail; false | true; echo "pipefail $?"; set +o pipefail
trap 'echo trapped EXIT' EXIT
mkfifo p; (echo via fifo >p) & read -r line <p; wait; echo "$line"
exec 4>fd4.txt; echo "to fd 4" >&4; exec 4>&-; cat fd4.txt
x=$(( (7 * 6) % 5 + 2 ** 10 )); echo "arith $x"
case "files/f1.txt" in *.txt) echo "case txt";; *) echo "case other";; esac
[[ "abc123" =~ ^([a-z]+)([0-9]+)$ ]] && echo "regex ${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
printf '%s\n' "${PWD#"$W"}" "$(basename "$PWD")"
echo "$(ls files | sort | tr '\n' ,)"
cd files/sub && pwd -P | sed "s|^$W|W|" && cd - >/dev/null
ulimit -n >/dev/null && echo "ulimit ok"
kill -0 $$ && echo "self alive"
type greet | head -1
command -v sh >/dev/null && echo "sh found"
SCRIPT
}

compare_native bash_script make_script 'bash script.sh'
compare_native sh_posix make_script 'sh -c "for i in 1 2 3; do echo \$i; done | while read x; do echo n\$x; done; echo \$((1+2))"'
compare_native xargs_parallel make_script 'ls files/*.txt | sort | xargs -P 3 -n 1 cat | sort'
compare_native nested_shells make_script 'bash -c "bash -c \"sh -c \\\"echo deep; exit 9\\\"\"; echo \$?"'
compare_native pipeline_many make_script 'seq 1 20000 | grep 7 | sort -rn | head -5 | tac | paste -sd+ | bc 2>/dev/null || true'
finish
