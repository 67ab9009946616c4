/* vicc/io_wait.c — see io_wait.h */
#include "vicc/io_wait.h"

#include <errno.h>
#include <poll.h>

int io_wait_readable(int fd, int stop_fd)
{
    struct pollfd pfd[2] = {{.fd = fd, .events = POLLIN, .revents = 0},
                            {.fd = stop_fd, .events = POLLIN, .revents = 0}};
    nfds_t n = stop_fd >= 0 ? 2 : 1;

    for (;;) {
        int rc = poll(pfd, n, -1);
        if (rc < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 2 && pfd[1].revents != 0)
            return -2;
        if (pfd[0].revents != 0)
            return 0;
    }
}
