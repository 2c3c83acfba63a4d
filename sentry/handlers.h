/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every sentry handler, by family. The syscall table (syscalls/table.def)
 * names these in its handler column; dispatch goes through the table only.
 */
#ifndef MOAT_SENTRY_HANDLERS_H
#define MOAT_SENTRY_HANDLERS_H

struct sentry_call;

#define SENTRY_HANDLER(name) void sentry_sys_##name(struct sentry_call *call)

/* sentry/file.c: opening files */
SENTRY_HANDLER(open);
SENTRY_HANDLER(openat);
SENTRY_HANDLER(openat2);
SENTRY_HANDLER(creat);

/* sentry/stat.c: metadata queries */
SENTRY_HANDLER(stat);
SENTRY_HANDLER(lstat);
SENTRY_HANDLER(newfstatat);
SENTRY_HANDLER(statx);
SENTRY_HANDLER(access);
SENTRY_HANDLER(faccessat);
SENTRY_HANDLER(faccessat2);
SENTRY_HANDLER(readlink);
SENTRY_HANDLER(readlinkat);
SENTRY_HANDLER(statfs);

/* sentry/dir.c: directory entries */
SENTRY_HANDLER(mkdir);
SENTRY_HANDLER(mkdirat);
SENTRY_HANDLER(mknod);
SENTRY_HANDLER(mknodat);
SENTRY_HANDLER(unlink);
SENTRY_HANDLER(unlinkat);
SENTRY_HANDLER(rmdir);
SENTRY_HANDLER(rename);
SENTRY_HANDLER(renameat);
SENTRY_HANDLER(renameat2);
SENTRY_HANDLER(link);
SENTRY_HANDLER(linkat);
SENTRY_HANDLER(symlink);
SENTRY_HANDLER(symlinkat);

/* sentry/attr.c: attributes by path */
SENTRY_HANDLER(chmod);
SENTRY_HANDLER(fchmodat);
SENTRY_HANDLER(chown);
SENTRY_HANDLER(lchown);
SENTRY_HANDLER(fchownat);
SENTRY_HANDLER(utime);
SENTRY_HANDLER(utimes);
SENTRY_HANDLER(utimensat);
SENTRY_HANDLER(futimesat);
SENTRY_HANDLER(truncate);

/* sentry/xattr.c: extended attributes by path */
SENTRY_HANDLER(getxattr);
SENTRY_HANDLER(lgetxattr);
SENTRY_HANDLER(listxattr);
SENTRY_HANDLER(llistxattr);
SENTRY_HANDLER(setxattr);
SENTRY_HANDLER(lsetxattr);
SENTRY_HANDLER(removexattr);
SENTRY_HANDLER(lremovexattr);

/* sentry/exec.c: checked calls that the kernel then runs itself */
SENTRY_HANDLER(execve);
SENTRY_HANDLER(execveat);
SENTRY_HANDLER(chdir);
SENTRY_HANDLER(inotify_add_watch);

/* sentry/socket.c: unix socket paths */
SENTRY_HANDLER(bind);
SENTRY_HANDLER(connect);

/* sentry/misc.c: served by the sentry itself */
SENTRY_HANDLER(uname);

#endif
