/* A unix socket a host daemon listens on (think docker.sock) is visible
 * through the read-only view of the host tree; connecting to it would hand
 * the workload to that daemon. run.sh listens on OUTSIDE/host.sock and, as
 * root, on OUTSIDE/mnt/host.sock, where OUTSIDE/mnt is a mount of its own. */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include "escape.h"

/* 1 if connecting to path reached a listener. */
static int reach(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	if (s < 0)
		skipped("no unix sockets");
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if (connect(s, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		char buf[64] = {0};
		ssize_t n = read(s, buf, sizeof(buf) - 1);
		printf("%s: connected; host said: %s\n", path, n > 0 ? "something" : "nothing");
		return 1;
	}
	printf("connect %s: %s\n", path, errname(errno));
	close(s);
	return 0;
}

int main(int argc, char **argv)
{
	escape_args(argc, argv);
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/host.sock", outside);
	if (reach(path))
		escaped("connected to a host unix socket");
	/* run.sh as root: a socket on a mount below the host directory. */
	snprintf(path, sizeof(path), "%s/mnt/host.sock", outside);
	if (stat(path, &st) == 0 && reach(path))
		escaped("connected to a host unix socket on a mount below /var");
	contained("host unix sockets unreachable");
}
