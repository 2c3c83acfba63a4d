#!/usr/bin/env bash
# gcc + make -j2 on a generated multi-file C project in a --rw dir: the
# program's output, the produced files, the object files' checksums (same
# paths both times, so nothing path-dependent differs) and a no-op second
# make must match natively and in the sandbox.
. "$(dirname "$0")/helpers.sh" "$@"

need gcc make || { skip build "gcc or make not installed"; finish; }

make_project() {
	mkdir -p src include
	cat >include/calc.h <<'H'
#ifndef CALC_H
#define CALC_H
int op_0(int x); int op_1(int x); int op_2(int x); int op_3(int x); int op_4(int x);
int op_5(int x); int op_6(int x); int op_7(int x); int op_8(int x); int op_9(int x);
int op_10(int x); int op_11(int x);
#endif
H
	for i in $(seq 0 11); do
		cat >"src/op_$i.c" <<C
#include "calc.h"
static const char tag[] = "op $i";
int op_$i(int x) { return x * $((i + 1)) + (int)sizeof(tag); }
C
	done
	cat >src/main.c <<'C'
#include <stdio.h>
#include "calc.h"
int main(void)
{
	int (*ops[])(int) = {op_0, op_1, op_2, op_3, op_4, op_5,
			     op_6, op_7, op_8, op_9, op_10, op_11};
	long total = 0;
	for (unsigned i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		int v = ops[i]((int)i);
		printf("op_%u(%u) = %d\n", i, i, v);
		total += v;
	}
	printf("total %ld\n", total);
	return 0;
}
C
	cat >Makefile <<'MK'
CFLAGS = -O2 -Wall -Iinclude
SRCS = $(wildcard src/*.c)
OBJS = $(patsubst src/%.c,obj/%.o,$(SRCS))
all: bin/calc lib/libcalc.a
obj bin lib:
	mkdir -p $@
obj/%.o: src/%.c include/calc.h | obj
	$(CC) $(CFLAGS) -c -o $@ $<
bin/calc: $(OBJS) | bin
	$(CC) -o $@ $(OBJS)
lib/libcalc.a: $(filter-out obj/main.o,$(OBJS)) | lib
	ar rcsD $@ $^
clean:
	rm -rf obj bin lib
.PHONY: all clean
MK
}

compare_native make_j2 make_project \
	'make -j2 CC=gcc >make.log 2>&1; echo "make $?"; sort make.log | grep -c gcc
	bin/calc; find . -type f -newer Makefile | sort
	sha256sum obj/*.o lib/libcalc.a
	make -j2 CC=gcc; make -q CC=gcc; echo "up to date $?"'
compare_native make_incremental make_project \
	'make -j2 CC=gcc >/dev/null 2>&1; sleep 1; echo "int op_11(int x) { return -x; }" >src/op_11.c
	touch -d "+2 seconds" src/op_11.c; make CC=gcc 2>&1 | grep -c "gcc"; bin/calc | tail -2'
compare_native compile_error make_project \
	'echo "int broken(" >src/zz.c; make -j2 CC=gcc -k >/dev/null 2>&1; echo "status $?"; ls obj | sort | tr "\n" " "'
compare_native gcc_pipe_and_tmp make_project \
	'echo "int main(void){return 3;}" | gcc -x c -o t - && ./t; echo "exit $?"; gcc -save-temps=obj -c src/op_1.c -Iinclude -o op1.o && ls op1.* | sort'
finish
