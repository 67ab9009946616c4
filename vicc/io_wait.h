/* vicc/io_wait.h — waiting for input on a descriptor while watching a stop descriptor
 * (the self-pipe the signal handler writes), shared by the vpcd and stdio front ends. */
#ifndef EUICC_VICC_IO_WAIT_H
#define EUICC_VICC_IO_WAIT_H

/* Wait until fd is readable (or hung up); 0 ready, -2 when stop_fd (if >= 0) fired,
 * -1 on error. Retries on EINTR. */
int io_wait_readable(int fd, int stop_fd);

#endif
