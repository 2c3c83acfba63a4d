/* Event fds that never touch the file system: eventfd, timerfd, epoll,
 * signalfd, poll on /dev/null, getrandom, clock sanity. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include "check.h"

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);

	int ev = eventfd(3, EFD_NONBLOCK);
	check("eventfd", ev);
	uint64_t v = 4;
	check_val("eventfd_write", write(ev, &v, sizeof(v)));
	check_val("eventfd_read", read(ev, &v, sizeof(v)));
	say("eventfd_value", "%llu", (unsigned long long)v);
	check("eventfd_read_empty", read(ev, &v, sizeof(v)));

	int ep = epoll_create1(EPOLL_CLOEXEC);
	check("epoll_create1", ep);
	struct epoll_event e = {.events = EPOLLIN, .data.u32 = 7};
	check("epoll_ctl_add", epoll_ctl(ep, EPOLL_CTL_ADD, ev, &e));
	check("epoll_ctl_add_twice", epoll_ctl(ep, EPOLL_CTL_ADD, ev, &e));
	struct epoll_event out;
	check_val("epoll_wait_nothing", epoll_wait(ep, &out, 1, 0));
	v = 1;
	write(ev, &v, sizeof(v));
	check_val("epoll_wait_ready", epoll_wait(ep, &out, 1, 1000));
	say("epoll_data", "%u", out.data.u32);
	int f = open("f", O_CREAT | O_RDWR, 0644);
	check("epoll_regular_file", epoll_ctl(ep, EPOLL_CTL_ADD, f, &e));
	close(f);

	int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
	check("timerfd_create", tfd);
	struct itimerspec its = {{0, 0}, {0, 20000000}};
	check("timerfd_settime", timerfd_settime(tfd, 0, &its, NULL));
	check_val("timerfd_read", read(tfd, &v, sizeof(v)));
	say("timer_expirations", "%llu", (unsigned long long)v);

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC);
	check("signalfd", sfd);
	raise(SIGUSR1);
	struct signalfd_siginfo si;
	check_val("signalfd_read", read(sfd, &si, sizeof(si)));
	say("signalfd_signo", "%s", sigabbrev_np((int)si.ssi_signo));

	int null = open("/dev/null", O_RDWR);
	struct pollfd pf = {null, POLLIN | POLLOUT, 0};
	check_val("poll_dev_null", poll(&pf, 1, 0));
	say("dev_null_revents", "%s%s", pf.revents & POLLIN ? "in " : "",
	    pf.revents & POLLOUT ? "out" : "");
	char buf[16];
	check_val("read_dev_null", read(null, buf, sizeof(buf)));
	check_val("write_dev_null", write(null, buf, sizeof(buf)));

	check_val("getrandom", getrandom(buf, sizeof(buf), 0));
	check("getrandom_bad_flags", getrandom(buf, sizeof(buf), 0x100));

	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	usleep(10000);
	clock_gettime(CLOCK_MONOTONIC, &b);
	say("monotonic_advances", "%s",
	    yesno(b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec > a.tv_nsec)));
	say("realtime_after_2020", "%s", yesno(time(NULL) > 1577836800));
	return 0;
}
