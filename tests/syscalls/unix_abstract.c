/* Unix sockets in the abstract namespace (no file-system object). */
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <stddef.h>
#include "check.h"

static socklen_t abstract(struct sockaddr_un *sun, const char *name)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	/* The pid keeps concurrent native runs apart; it is never printed. */
	int n = snprintf(sun->sun_path + 1, sizeof(sun->sun_path) - 1, "moat-test-%d-%s",
			 (int)getpid(), name);
	return offsetof(struct sockaddr_un, sun_path) + 1 + n;
}

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);

	struct sockaddr_un sun;
	socklen_t len = abstract(&sun, "stream");
	int srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	check("socket", srv);
	check("bind", bind(srv, (struct sockaddr *)&sun, len));
	int dup_srv = socket(AF_UNIX, SOCK_STREAM, 0);
	check("bind_in_use", bind(dup_srv, (struct sockaddr *)&sun, len));
	close(dup_srv);
	check("listen", listen(srv, 4));
	say("no_file_created", "%s", yesno(access("moat-test", F_OK) < 0));

	pid_t pid = fork();
	if (pid == 0) {
		int c = socket(AF_UNIX, SOCK_STREAM, 0);
		if (connect(c, (struct sockaddr *)&sun, len) < 0)
			_exit(1);
		char b[16] = {0};
		if (recv(c, b, 5, MSG_WAITALL) != 5 || strcmp(b, "hello"))
			_exit(2);
		_exit(send(c, "bye", 3, 0) == 3 ? 0 : 3);
	}
	int conn = accept4(srv, NULL, NULL, SOCK_CLOEXEC);
	check("accept4", conn);
	check_val("send", send(conn, "hello", 5, 0));
	char buf[16] = {0};
	check_val("recv", recv(conn, buf, sizeof(buf), 0));
	say("data", "%s", buf);
	int status;
	waitpid(pid, &status, 0);
	say("client_exit", "%d", WEXITSTATUS(status));

	struct sockaddr_un name;
	socklen_t nlen = sizeof(name);
	check("getsockname", getsockname(srv, (struct sockaddr *)&name, &nlen));
	say("name_is_abstract", "%s", yesno(name.sun_path[0] == 0 && nlen == len));
	close(conn);
	close(srv);

	struct sockaddr_un gone;
	socklen_t glen = abstract(&gone, "nobody-listens");
	int c = socket(AF_UNIX, SOCK_STREAM, 0);
	check("connect_missing", connect(c, (struct sockaddr *)&gone, glen));
	close(c);

	/* Autobind: binding with only the family gets a kernel-chosen name. */
	int ab = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct sockaddr_un fam = {.sun_family = AF_UNIX};
	check("autobind", bind(ab, (struct sockaddr *)&fam, sizeof(sa_family_t)));
	nlen = sizeof(name);
	getsockname(ab, (struct sockaddr *)&name, &nlen);
	say("autobind_abstract", "%s", yesno(name.sun_path[0] == 0 && nlen > sizeof(sa_family_t)));
	close(ab);
	return 0;
}
