/* card/store_dir.c — the store's directory backend: the current image is the file
 * state.bin; a commit writes state.tmp, fsyncs it, renames it over state.bin and
 * fsyncs the directory. An flock on the file "lock" keeps other stores out.
 */
#include "card/store_backend.h"
#include "card/store.h"
#include "card/store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>     /* renameat */
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define STATE_FILE "state.bin"
#define TMP_FILE   "state.tmp"
#define LOCK_FILE  "lock"

struct dir_backend {
    struct store_backend base;   /* first: a struct store_backend * points here */
    int dirfd;
    int lockfd;
    int tmpfd;
};

static struct dir_backend *dir_of(struct store_backend *be)
{
    return (struct dir_backend *)be;
}

static int dir_write_tmp_chunk(struct store_backend *be, size_t off, const uint8_t *p, size_t n)
{
    struct dir_backend *d = dir_of(be);
    if (off == 0) {
        if (d->tmpfd >= 0)
            close(d->tmpfd);
        d->tmpfd = openat(d->dirfd, TMP_FILE, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    }
    if (d->tmpfd < 0)
        return STORE_EIO;
    while (n) {
        ssize_t w = write(d->tmpfd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return STORE_EIO;
        p += w;
        n -= (size_t)w;
    }
    return STORE_OK;
}

static int dir_sync(struct store_backend *be)
{
    struct dir_backend *d = dir_of(be);
    if (d->tmpfd < 0)
        return STORE_EIO;
    int r = fsync(d->tmpfd);
    int c = close(d->tmpfd);
    d->tmpfd = -1;
    return (r == 0 && c == 0) ? STORE_OK : STORE_EIO;
}

static int dir_rename(struct store_backend *be)
{
    struct dir_backend *d = dir_of(be);
    if (renameat(d->dirfd, TMP_FILE, d->dirfd, STATE_FILE) != 0)
        return STORE_EIO;
    return fsync(d->dirfd) == 0 ? STORE_OK : STORE_EIO;
}

static int dir_read_current(struct store_backend *be, const uint8_t **p, size_t *len,
                            uint8_t **owned)
{
    struct dir_backend *d = dir_of(be);
    *owned = NULL;
    int fd = openat(d->dirfd, STATE_FILE, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? STORE_ENOTFOUND : STORE_EIO;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return STORE_EIO;
    }
    if (st.st_size < 0 || (uint64_t)st.st_size > STORE_IMAGE_MAX) {
        close(fd);
        return STORE_ECORRUPT;
    }
    size_t size = (size_t)st.st_size;
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf) {
        close(fd);
        return STORE_ENOMEM;
    }
    size_t got = 0;
    while (got < size) {
        ssize_t r = read(fd, buf + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (got != size) {
        free(buf);
        return STORE_EIO;
    }
    *p = buf;
    *len = size;
    *owned = buf;
    return STORE_OK;
}

static void dir_discard_tmp(struct store_backend *be)
{
    struct dir_backend *d = dir_of(be);
    if (d->tmpfd >= 0) {
        close(d->tmpfd);
        d->tmpfd = -1;
    }
    (void)unlinkat(d->dirfd, TMP_FILE, 0);
}

static void dir_close(struct store_backend *be)
{
    struct dir_backend *d = dir_of(be);
    if (d->tmpfd >= 0)
        close(d->tmpfd);
    if (d->lockfd >= 0)
        close(d->lockfd);   /* releases the flock */
    if (d->dirfd >= 0)
        close(d->dirfd);
    free(d);
}

static const struct store_backend_ops dir_ops = {
    dir_write_tmp_chunk, dir_sync, dir_rename, dir_read_current, dir_discard_tmp, dir_close,
};

/* mkdir -p with mode 0700 for every component created. */
static int make_dirs(const char *dir)
{
    size_t n = strlen(dir);
    if (n == 0 || n >= PATH_MAX)
        return STORE_EINVAL;
    char path[PATH_MAX];
    memcpy(path, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        char save = path[i];
        path[i] = '\0';
        struct stat st;
        if (mkdir(path, 0700) != 0 && errno != EEXIST &&
            (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)))
            return STORE_EIO;
        path[i] = save;
    }
    return STORE_OK;
}

int store_dir_backend_open(struct store_backend **out, const char *dir)
{
    int rc = make_dirs(dir);
    if (rc != STORE_OK)
        return rc;
    struct dir_backend *d = calloc(1, sizeof *d);
    if (!d)
        return STORE_ENOMEM;
    d->base.ops = &dir_ops;
    d->tmpfd = -1;
    d->lockfd = -1;
    d->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d->dirfd < 0) {
        dir_close(&d->base);
        return STORE_EIO;
    }
    d->lockfd = openat(d->dirfd, LOCK_FILE, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (d->lockfd < 0) {
        dir_close(&d->base);
        return STORE_EIO;
    }
    if (flock(d->lockfd, LOCK_EX | LOCK_NB) != 0) {
        rc = errno == EWOULDBLOCK ? STORE_ELOCKED : STORE_EIO;
        dir_close(&d->base);
        return rc;
    }
    *out = &d->base;
    return STORE_OK;
}
