/* Unix stream and datagram sockets bound to a path in the scratch dir. */
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <stddef.h>
#include "check.h"

static socklen_t addr(struct sockaddr_un *sun, const char *path)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	strcpy(sun->sun_path, path);
	return offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1;
}

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);

	struct sockaddr_un sun;
	socklen_t len = addr(&sun, "sock");
	int srv = socket(AF_UNIX, SOCK_STREAM, 0);
	check("socket", srv);
	check("bind", bind(srv, (struct sockaddr *)&sun, len));
	struct stat st;
	check("stat_socket", stat("sock", &st));
	say("is_socket", "%s", yesno(S_ISSOCK(st.st_mode)));
	int again = socket(AF_UNIX, SOCK_STREAM, 0);
	check("bind_in_use", bind(again, (struct sockaddr *)&sun, len));
	close(again);
	check("listen", listen(srv, 4));

	pid_t pid = fork();
	if (pid == 0) {
		int c = socket(AF_UNIX, SOCK_STREAM, 0);
		if (connect(c, (struct sockaddr *)&sun, len) < 0)
			_exit(1);
		if (send(c, "ping", 4, 0) != 4)
			_exit(2);
		char b[8] = {0};
		if (recv(c, b, sizeof(b), 0) != 4 || strcmp(b, "pong"))
			_exit(3);
		_exit(0);
	}
	int conn = accept(srv, NULL, NULL);
	check("accept", conn);
	char buf[64] = {0};
	check_val("recv", recv(conn, buf, sizeof(buf), 0));
	say("data", "%s", buf);
	check_val("send", send(conn, "pong", 4, 0));
	int status;
	waitpid(pid, &status, 0);
	say("client_exit", "%d", WEXITSTATUS(status));
	check_val("recv_after_close", recv(conn, buf, sizeof(buf), 0));

	struct sockaddr_un peer;
	socklen_t plen = sizeof(peer);
	check("getsockname", getsockname(srv, (struct sockaddr *)&peer, &plen));
	say("sockname", "%s", peer.sun_path);
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	int c2 = socket(AF_UNIX, SOCK_STREAM, 0);
	check("connect_self", connect(c2, (struct sockaddr *)&sun, len));
	int conn2 = accept(srv, NULL, NULL);
	check("so_peercred", getsockopt(conn2, SOL_SOCKET, SO_PEERCRED, &cred, &clen));
	say("peercred_matches", "%s",
	    yesno(cred.uid == geteuid() && cred.gid == getegid() && cred.pid == getpid()));
	close(c2);
	close(conn2);
	close(conn);
	close(srv);

	struct sockaddr_un missing;
	socklen_t mlen = addr(&missing, "nosuch");
	int c = socket(AF_UNIX, SOCK_STREAM, 0);
	check("connect_missing", connect(c, (struct sockaddr *)&missing, mlen));
	close(c);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	check("connect_after_listener_closed", connect(c, (struct sockaddr *)&sun, len));
	close(c);
	int fd = open("plainfile", O_CREAT | O_WRONLY, 0644);
	close(fd);
	struct sockaddr_un notsock;
	socklen_t nlen = addr(&notsock, "plainfile");
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	check("connect_not_socket", connect(c, (struct sockaddr *)&notsock, nlen));
	close(c);
	check("unlink_socket", unlink("sock"));

	/* Datagram sockets in a subdirectory, addressed by relative path. */
	mkdir("dg", 0755);
	struct sockaddr_un a, b;
	socklen_t alen = addr(&a, "dg/a"), blen = addr(&b, "dg/b");
	int sa = socket(AF_UNIX, SOCK_DGRAM, 0), sb = socket(AF_UNIX, SOCK_DGRAM, 0);
	check("bind_dgram_a", bind(sa, (struct sockaddr *)&a, alen));
	check("bind_dgram_b", bind(sb, (struct sockaddr *)&b, blen));
	check_val("sendto", sendto(sa, "dgram", 5, 0, (struct sockaddr *)&b, blen));
	struct sockaddr_un from;
	socklen_t flen = sizeof(from);
	memset(buf, 0, sizeof(buf));
	check_val("recvfrom", recvfrom(sb, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen));
	say("dgram_data", "%s", buf);
	say("dgram_from", "%s", from.sun_path);
	close(sa);
	close(sb);
	return 0;
}
