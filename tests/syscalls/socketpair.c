/* socketpair: stream and seqpacket, shutdown, SCM_RIGHTS fd passing. */
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "check.h"

static int send_fd(int sock, int fd)
{
	char data = 'F';
	struct iovec iov = {&data, 1};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u = {0};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	msg.msg_control = u.buf;
	msg.msg_controllen = sizeof(u.buf);
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return (int)sendmsg(sock, &msg, 0);
}

static int recv_fd(int sock)
{
	char data;
	struct iovec iov = {&data, 1};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	msg.msg_control = u.buf;
	msg.msg_controllen = sizeof(u.buf);
	if (recvmsg(sock, &msg, 0) < 0)
		return -1;
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS) {
		errno = EBADMSG;
		return -1;
	}
	int fd;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);

	int sv[2];
	check("socketpair_stream", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	check_val("send", send(sv[0], "abc", 3, 0));
	char buf[64] = {0};
	check_val("recv", recv(sv[1], buf, sizeof(buf), 0));
	say("data", "%s", buf);
	check("shutdown_wr", shutdown(sv[0], SHUT_WR));
	check_val("recv_after_shutdown", recv(sv[1], buf, sizeof(buf), 0));
	check_val("send_other_way", send(sv[1], "back", 4, 0));
	memset(buf, 0, sizeof(buf));
	check_val("recv_other_way", recv(sv[0], buf, sizeof(buf), 0));
	say("data_back", "%s", buf);
	close(sv[0]);
	close(sv[1]);

	check("socketpair_seqpacket", socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
	send(sv[0], "one", 3, 0);
	send(sv[0], "three", 5, 0);
	check_val("seqpacket_first", recv(sv[1], buf, sizeof(buf), 0));
	check_val("seqpacket_second", recv(sv[1], buf, sizeof(buf), 0));
	close(sv[0]);
	close(sv[1]);
	check("socketpair_inet", socketpair(AF_INET, SOCK_STREAM, 0, sv));

	/* A child opens a file and passes the fd; the parent reads it. */
	int fd = open("shared", O_CREAT | O_WRONLY, 0644);
	if (fd < 0 || write(fd, "passed along", 12) != 12)
		die("create");
	close(fd);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pid_t pid = fork();
	if (pid == 0) {
		close(sv[0]);
		int f = open("shared", O_RDONLY);
		_exit(f >= 0 && send_fd(sv[1], f) == 1 ? 0 : 1);
	}
	close(sv[1]);
	int got = recv_fd(sv[0]);
	check("recv_fd", got);
	memset(buf, 0, sizeof(buf));
	check_val("read_passed_fd", read(got, buf, sizeof(buf)));
	say("passed_data", "%s", buf);
	struct stat a, b;
	fstat(got, &a);
	stat("shared", &b);
	say("same_file", "%s", yesno(a.st_ino == b.st_ino));
	int status;
	waitpid(pid, &status, 0);
	say("child_exit", "%d", WEXITSTATUS(status));
	close(got);
	close(sv[0]);
	return 0;
}
