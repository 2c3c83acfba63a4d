#!/bin/sh
# Generate a C project of N source files (default 200) in DIR, with a
# Makefile that compiles each into an object file and links one program:
#   gen_project.sh DIR [N]
# Each file includes a few libc headers, the project's common header and its
# own module header, so the compiler does the stat/open traffic of a real
# build (header search, dependency files with -MMD).
set -eu
dir=$1
n=${2:-200}
rm -rf "$dir"
mkdir -p "$dir/src" "$dir/include"

cat >"$dir/include/common.h" <<'EOF'
#ifndef COMMON_H
#define COMMON_H
#include <stddef.h>
#include <stdint.h>
struct record {
	uint64_t key;
	double weight;
	char name[32];
};
uint64_t mix(uint64_t x);
#endif
EOF

i=0
while [ "$i" -lt "$n" ]; do
	cat >"$dir/include/mod$i.h" <<EOF
#ifndef MOD${i}_H
#define MOD${i}_H
#include "common.h"
uint64_t mod${i}_run(struct record *r, size_t n);
#endif
EOF
	cat >"$dir/src/mod$i.c" <<EOF
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mod$i.h"

static int compare(const void *a, const void *b)
{
	const struct record *x = a, *y = b;

	return (x->key > y->key) - (x->key < y->key);
}

static void fill(struct record *r, size_t n, uint64_t seed)
{
	for (size_t k = 0; k < n; k++) {
		r[k].key = mix(seed + k * $((i + 1)));
		r[k].weight = (double)(r[k].key % 1000) / $((i + 7)).0;
		snprintf(r[k].name, sizeof(r[k].name), "m$i-%zu", k);
	}
}

uint64_t mod${i}_run(struct record *r, size_t n)
{
	uint64_t sum = 0;

	fill(r, n, $i);
	qsort(r, n, sizeof(*r), compare);
	for (size_t k = 0; k < n; k++) {
		if (strstr(r[k].name, "7"))
			sum += r[k].key ^ (uint64_t)r[k].weight;
		else
			sum += mix(r[k].key);
	}
	return sum;
}
EOF
	i=$((i + 1))
done

{
	echo '#include <stdio.h>'
	echo '#include <stdlib.h>'
	echo '#include "common.h"'
	i=0
	while [ "$i" -lt "$n" ]; do
		echo "#include \"mod$i.h\""
		i=$((i + 1))
	done
	cat <<'EOF'
uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

int main(void)
{
	struct record *r = calloc(64, sizeof(*r));
	uint64_t sum = 0;

	if (!r)
		return 1;
EOF
	i=0
	while [ "$i" -lt "$n" ]; do
		echo "	sum += mod${i}_run(r, 64);"
		i=$((i + 1))
	done
	cat <<'EOF'
	printf("%llu\n", (unsigned long long)sum);
	free(r);
	return 0;
}
EOF
} >"$dir/src/main.c"

cat >"$dir/Makefile" <<'EOF'
CFLAGS ?= -O2 -g -Wall
SRCS := $(wildcard src/*.c)
OBJS := $(SRCS:src/%.c=obj/%.o)

prog: $(OBJS)
	$(CC) -o $@ $(OBJS)

obj/%.o: src/%.c | obj
	$(CC) $(CFLAGS) -Iinclude -MMD -MP -c -o $@ $<

obj:
	mkdir -p obj

clean:
	rm -rf obj prog

-include $(OBJS:.o=.d)
.PHONY: clean
EOF
