/*
 * openloop: the latency and alert phases' load generator (bench/openloop.py builds and
 * runs it). One thread, epoll, a timerfd for the next arrival: it costs the two shared
 * cores a few microseconds a message where the Python generator (bench/load.py) costs
 * a third of a millisecond or more.
 *
 * The same semantics as bench/load.py's open_loop, Pool and _one:
 *
 * - messages are due at Poisson arrivals of RATE a second (seeded), from the start
 *   until SECONDS; every arrival due before the end is sent, however late;
 * - each arrival takes the next idle sender: ACTIVE senders take turns (a sender's next
 *   message only after the reply to its last); one who has said everything leaves and
 *   the next one joins; an arrival with nobody idle waits for the next reply (and the
 *   arrivals behind it wait in order);
 * - a message goes out on a NEW connection opened when it is dispatched (non-blocking
 *   connect), as a proxy in front of gunicorn's sync workers would: an idle open
 *   connection would hold a worker; at most MAX_CONNECTIONS are open at once;
 * - the whole response is read (status line, then Content-Length bytes, or until EOF);
 *   its latency counts from the DUE time, so queueing (here or in the server) shows;
 * - errors are counted by name as _one names them: "timeout (15 s)", the Python
 *   exception of a connection error (ConnectionRefusedError, ...), "http <status>",
 *   "no reply" (no <Message>), "busy (spooled)" (a busy marker in the body), "no case
 *   number" (a filing answered without one, when expect_refs is 1);
 * - a filing's case number (the first run of 4 to 8 digits in the body) is kept with
 *   the wall-clock time of its reply, for the alert phases.
 *
 * Usage: openloop DIR PORT RATE SECONDS SEED [TIMEOUT_SECONDS]
 * DIR holds the files bench/wrk.py's write_requests makes for one connection: c1.req
 * (every sender: "S <count>\n", then each message "<kind> <length>\n<request bytes>"),
 * conf ("active N", "expect_refs 0|1") and markers (one busy marker a line).
 * It prints "running" on a line of its own when the files are read and the clock
 * starts, then the tally as one JSON object on a line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

/* Most connections open at once (a server far past saturation queues the rest). */
#define MAX_CONNECTIONS 256
/* Most bytes of one response; a bigger one is an error (the hotline's are < 2 KiB). */
#define MAX_RESPONSE (1 << 20)
/* Most distinct kinds of error kept by name (the rest are counted as "other"). */
#define MAX_ERROR_KINDS 64
#define MAX_MARKERS 64
#define TIMER_SLOT UINT32_MAX

/* -- small helpers ------------------------------------------------------------------ */

static void die(const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    fputs("openloop: ", stderr);
    vfprintf(stderr, fmt, args);
    fputc('\n', stderr);
    va_end(args);
    exit(2);
}

static void *xrealloc(void *ptr, size_t size) {
    void *out = realloc(ptr, size ? size : 1);
    if (!out) die("out of memory");
    return out;
}

static double monotonic(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double wall_clock(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Read a whole file; die if it cannot be read. */
static char *read_file(const char *dir, const char *name, size_t *len) {
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
        die("path too long: %s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) die("cannot open %s: %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *data = xrealloc(NULL, cap + 1);
    for (;;) {
        size_t got = fread(data + n, 1, cap - n, f);
        n += got;
        if (n < cap) break;
        cap *= 2;
        data = xrealloc(data, cap + 1);
    }
    if (ferror(f)) die("cannot read %s", path);
    fclose(f);
    data[n] = '\0'; /* so the text files can be read as strings */
    *len = n;
    return data;
}

/* A vector of doubles (latencies in ms). */
typedef struct {
    double *v;
    size_t n, cap;
} Doubles;

static void push_double(Doubles *d, double x) {
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 1024;
        d->v = xrealloc(d->v, d->cap * sizeof *d->v);
    }
    d->v[d->n++] = x;
}

/* A small xorshift generator: Poisson arrivals need uniform numbers, not a good RNG. */
static uint64_t rng_state;

static double uniform(void) { /* in [0, 1) */
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) * (1.0 / 9007199254740992.0);
}

static double exponential(double rate) { return -log(1.0 - uniform()) / rate; }

/* -- the senders and whose turn it is ----------------------------------------------- */

typedef struct {
    const char *data;
    size_t len;
    int is_file; /* kind "file" (a message that files a case), else "step" */
} Message;

typedef struct {
    Message *messages;
    size_t count, next;
} Sender;

static Sender *senders;
static size_t n_senders, n_messages;

/* The Pool: `ready` holds the senders taking turns (a ring, at most n_senders long),
 * `fresh` the index of the next sender who has not started yet. */
static size_t *ready, ready_head, ready_len, fresh;

static void ready_push(size_t s) {
    ready[(ready_head + ready_len) % n_senders] = s;
    ready_len++;
}

/* The sender whose turn it is (a new one if all are busy), or -1: everyone is busy or
 * has said everything. */
static long pool_take(void) {
    if (ready_len) {
        size_t s = ready[ready_head];
        ready_head = (ready_head + 1) % n_senders;
        ready_len--;
        return (long)s;
    }
    if (fresh < n_senders) return (long)fresh++;
    return -1;
}

/* A sender was answered (or failed): to the back of the turns, or make room. */
static void pool_done(size_t s) {
    senders[s].next++;
    if (senders[s].next < senders[s].count)
        ready_push(s);
    else if (fresh < n_senders)
        ready_push(fresh++);
}

/* Copy the line at data[pos] (up to its newline, at most 63 bytes) into `line`;
 * return the position after its newline, or 0 if there is none. (sscanf on the whole
 * buffer would measure all of it at every line.) */
static size_t take_line(const char *data, size_t len, size_t pos, char line[64]) {
    const char *end = pos < len ? memchr(data + pos, '\n', len - pos) : NULL;
    if (!end || (size_t)(end - data) - pos > 63) return 0;
    memcpy(line, data + pos, (size_t)(end - data) - pos);
    line[(size_t)(end - data) - pos] = '\0';
    return (size_t)(end - data) + 1;
}

/* Parse c1.req (see the top of the file); the messages point into `data`. */
static void parse_requests(char *data, size_t len) {
    size_t pos = 0, cap = 0;
    char line[64];
    while (pos < len) {
        size_t after = take_line(data, len, pos, line);
        unsigned long count;
        if (!after || sscanf(line, "S %lu", &count) != 1 || count == 0 || count > len)
            die("c1.req: bad sender line at byte %zu", pos);
        pos = after;
        if (n_senders == cap) {
            cap = cap ? cap * 2 : 256;
            senders = xrealloc(senders, cap * sizeof *senders);
        }
        Sender *s = &senders[n_senders++];
        s->messages = xrealloc(NULL, count * sizeof *s->messages);
        s->count = count;
        s->next = 0;
        for (unsigned long i = 0; i < count; i++) {
            char kind[8];
            unsigned long length;
            after = take_line(data, len, pos, line);
            if (!after || sscanf(line, "%7s %lu", kind, &length) != 2)
                die("c1.req: bad message line at byte %zu", pos);
            pos = after;
            if (length > len - pos) die("c1.req: a request runs past the end");
            s->messages[i].data = data + pos;
            s->messages[i].len = length;
            s->messages[i].is_file = strcmp(kind, "file") == 0;
            pos += length;
        }
        n_messages += count;
    }
    if (!n_senders) die("c1.req: no senders");
    ready = xrealloc(NULL, n_senders * sizeof *ready);
}

/* -- the tally ---------------------------------------------------------------------- */

static struct {
    char name[48];
    long count;
} errors[MAX_ERROR_KINDS];
static size_t n_error_kinds;
static long other_errors;

static void count_error(const char *name) {
    for (size_t i = 0; i < n_error_kinds; i++)
        if (strcmp(errors[i].name, name) == 0) {
            errors[i].count++;
            return;
        }
    if (n_error_kinds == MAX_ERROR_KINDS) {
        other_errors++;
        return;
    }
    snprintf(errors[n_error_kinds].name, sizeof errors[0].name, "%s", name);
    errors[n_error_kinds++].count = 1;
}

static Doubles latency_step, latency_file;
static struct Filed {
    char ref[9];
    double at;
} *filed;
static size_t n_filed, filed_cap;
static double first_at, last_at;
static long connections_opened;
static int expect_refs;
static char *markers[MAX_MARKERS];
static size_t marker_len[MAX_MARKERS], n_markers;
static char timeout_name[48];

/* The name Python gives an OSError of this errno (bench/load.py counts those). */
static const char *errno_name(int err) {
    switch (err) {
    case ECONNREFUSED: return "ConnectionRefusedError";
    case ECONNRESET: return "ConnectionResetError";
    case ECONNABORTED: return "ConnectionAbortedError";
    case EPIPE: case ESHUTDOWN: return "BrokenPipeError";
    case ETIMEDOUT: return "TimeoutError";
    default: return "OSError";
    }
}

/* The first run of 4 to 8 digits, neither preceded nor followed by a digit (load.py's
 * _REF): copied into ref; returns 0 if there is none. */
static int find_ref(const char *body, size_t len, char ref[9]) {
    size_t i = 0;
    while (i < len) {
        if (body[i] < '0' || body[i] > '9') {
            i++;
            continue;
        }
        size_t j = i;
        while (j < len && body[j] >= '0' && body[j] <= '9') j++;
        if (j - i >= 4 && j - i <= 8) {
            memcpy(ref, body + i, j - i);
            ref[j - i] = '\0';
            return 1;
        }
        i = j; /* a run too short or too long: the regex matches inside neither */
    }
    return 0;
}

/* -- connections ---------------------------------------------------------------------- */

enum State { FREE, CONNECTING, WRITING, READING };

typedef struct {
    int fd;
    enum State state;
    size_t sender;
    double due, deadline;
    size_t sent;
    char *buf; /* the response so far */
    size_t len, cap;
    size_t head_len;     /* header bytes with the blank line, 0 until it came */
    long content_length; /* -1: none given (read until EOF) */
    int status;
} Slot;

static Slot slots[MAX_CONNECTIONS];
static size_t in_flight;
static int epfd;
static struct sockaddr_in server;

static const Message *message_of(const Slot *c) {
    const Sender *s = &senders[c->sender];
    return &s->messages[s->next];
}

/* Close the slot's connection and give its sender's turn back. */
static void release(Slot *c) {
    if (c->fd >= 0) close(c->fd); /* close() also takes it out of the epoll set */
    c->fd = -1;
    c->state = FREE;
    in_flight--;
    pool_done(c->sender);
}

static void fail(Slot *c, const char *name) {
    count_error(name);
    release(c);
}

/* Start sending sender s's next message, due at `due`, in a free slot. */
static void dispatch(Slot *c, size_t s, double due, double now, double timeout) {
    c->sender = s;
    c->due = due;
    c->deadline = now + timeout;
    c->sent = c->len = c->head_len = 0;
    c->content_length = -1;
    c->status = 0;
    in_flight++;
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) {
        fail(c, errno_name(errno));
        return;
    }
    connections_opened++;
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(c->fd, (struct sockaddr *)&server, sizeof server) < 0 &&
        errno != EINPROGRESS) {
        fail(c, errno_name(errno));
        return;
    }
    c->state = CONNECTING; /* connected or not yet: writable tells */
    struct epoll_event ev = {.events = EPOLLOUT, .data.u32 = (uint32_t)(c - slots)};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0) fail(c, errno_name(errno));
}

/* A whole response came: check it as _one does, then free the slot. */
static void complete(Slot *c) {
    double done = monotonic();
    last_at = done;
    const Message *m = message_of(c);
    if (c->status != 200) {
        char name[32];
        snprintf(name, sizeof name, "http %d", c->status);
        fail(c, name);
        return;
    }
    const char *body = c->buf + c->head_len;
    size_t body_len = c->len - c->head_len;
    if (c->content_length >= 0 && body_len > (size_t)c->content_length)
        body_len = (size_t)c->content_length;
    if (!memmem(body, body_len, "<Message>", 9)) {
        count_error("no reply");
    } else {
        for (size_t i = 0; i < n_markers; i++)
            if (memmem(body, body_len, markers[i], marker_len[i])) {
                count_error("busy (spooled)");
                break;
            }
    }
    push_double(m->is_file ? &latency_file : &latency_step, (done - c->due) * 1000.0);
    if (m->is_file) {
        char ref[9];
        if (find_ref(body, body_len, ref)) {
            if (n_filed == filed_cap) {
                filed_cap = filed_cap ? filed_cap * 2 : 256;
                filed = xrealloc(filed, filed_cap * sizeof *filed);
            }
            memcpy(filed[n_filed].ref, ref, sizeof ref);
            filed[n_filed++].at = wall_clock();
        } else if (expect_refs) {
            count_error("no case number");
        }
    }
    release(c);
}

/* Parse the head once it is all in: the status (bytes 9-11, as load.py reads it) and
 * Content-Length. Returns 0 if it cannot be parsed (load.py: ValueError). */
static int parse_head(Slot *c, const char *end) {
    c->head_len = (size_t)(end - c->buf) + 4;
    if (c->head_len < 16 || memcmp(c->buf, "HTTP/1.", 7) != 0) return 0;
    for (int i = 9; i < 12; i++) {
        if (c->buf[i] < '0' || c->buf[i] > '9') return 0;
        c->status = c->status * 10 + (c->buf[i] - '0');
    }
    const char *line = memchr(c->buf, '\n', c->head_len);
    while (line && (size_t)(line + 1 - c->buf) < c->head_len) {
        line++;
        const char *eol = memchr(line, '\n', c->head_len - (size_t)(line - c->buf));
        if (!eol) break;
        size_t n = (size_t)(eol - line);
        if (n > 15 && strncasecmp(line, "content-length:", 15) == 0) {
            long value = 0;
            size_t i = 15;
            while (i < n && (line[i] == ' ' || line[i] == '\t')) i++;
            if (i == n || line[i] < '0' || line[i] > '9') return 0;
            for (; i < n && line[i] >= '0' && line[i] <= '9'; i++) {
                value = value * 10 + (line[i] - '0');
                if (value > MAX_RESPONSE) return 0;
            }
            c->content_length = value;
        }
        line = eol;
    }
    return 1;
}

/* Read what came; complete the exchange when the response is whole. */
static void on_readable(Slot *c) {
    for (;;) {
        if (c->cap - c->len < 4096) {
            if (c->cap >= MAX_RESPONSE) {
                fail(c, "response too large");
                return;
            }
            c->cap = c->cap ? c->cap * 2 : 8192;
            c->buf = xrealloc(c->buf, c->cap + 1);
        }
        ssize_t n = read(c->fd, c->buf + c->len, c->cap - c->len);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            fail(c, errno_name(errno));
            return;
        }
        if (n == 0) { /* EOF: whole only if no Content-Length said otherwise */
            if (c->head_len && c->content_length < 0)
                complete(c);
            else
                fail(c, "IncompleteReadError");
            return;
        }
        size_t before = c->len;
        c->len += (size_t)n;
        c->buf[c->len] = '\0';
        if (!c->head_len) {
            /* look for the blank line from where it could start */
            size_t from = before >= 3 ? before - 3 : 0;
            const char *end = memmem(c->buf + from, c->len - from, "\r\n\r\n", 4);
            if (end && !parse_head(c, end)) {
                fail(c, "ValueError");
                return;
            }
        }
        if (c->head_len && c->content_length >= 0 &&
            c->len - c->head_len >= (size_t)c->content_length) {
            complete(c);
            return;
        }
    }
}

/* Connected (or failed to): send the request, then wait for the response. */
static void on_writable(Slot *c) {
    if (c->state == CONNECTING) {
        int err = 0;
        socklen_t len = sizeof err;
        if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) err = errno;
        if (err) {
            fail(c, errno_name(err));
            return;
        }
        c->state = WRITING;
    }
    const Message *m = message_of(c);
    while (c->sent < m->len) {
        ssize_t n = send(c->fd, m->data + c->sent, m->len - c->sent, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            fail(c, errno_name(errno));
            return;
        }
        c->sent += (size_t)n;
    }
    c->state = READING;
    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP,
                             .data.u32 = (uint32_t)(c - slots)};
    if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0) fail(c, errno_name(errno));
}

/* -- output ------------------------------------------------------------------------- */

static void print_json_string(const char *s) {
    putchar('"');
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            printf("\\%c", ch);
        else if (ch < 0x20)
            printf("\\u%04x", ch);
        else
            putchar(ch);
    }
    putchar('"');
}

static void print_doubles(const Doubles *d) {
    putchar('[');
    for (size_t i = 0; i < d->n; i++) printf(i ? ",%.3f" : "%.3f", d->v[i]);
    putchar(']');
}

static double seconds_of(struct timeval tv) {
    return (double)tv.tv_sec + (double)tv.tv_usec * 1e-6;
}

/* -- main --------------------------------------------------------------------------- */

static double parse_number(const char *text, const char *what, double low, double high) {
    char *end;
    errno = 0;
    double x = strtod(text, &end);
    if (errno || end == text || *end || !(x >= low && x <= high))
        die("bad %s: %s", what, text);
    return x;
}

int main(int argc, char **argv) {
    if (argc != 6 && argc != 7)
        die("usage: openloop DIR PORT RATE SECONDS SEED [TIMEOUT_SECONDS]");
    const char *dir = argv[1];
    int port = (int)parse_number(argv[2], "port", 1, 65535);
    double rate = parse_number(argv[3], "rate", 1e-3, 1e6);
    double seconds = parse_number(argv[4], "seconds", 0, 86400);
    rng_state = (uint64_t)parse_number(argv[5], "seed", 0, 1e15) * 0x9E3779B97F4A7C15ULL
                + 0x2545F4914F6CDD1DULL; /* never zero: xorshift would stay at zero */
    double timeout = argc == 7 ? parse_number(argv[6], "timeout", 1e-3, 3600) : 15.0;
    snprintf(timeout_name, sizeof timeout_name, "timeout (%g s)", timeout);

    size_t len;
    char *requests = read_file(dir, "c1.req", &len);
    parse_requests(requests, len);
    long active = 0;
    char *conf = read_file(dir, "conf", &len);
    for (char *line = strtok(conf, "\n"); line; line = strtok(NULL, "\n")) {
        sscanf(line, "active %ld", &active);
        sscanf(line, "expect_refs %d", &expect_refs);
    }
    free(conf);
    if (active < 1) die("conf: no active count");
    for (long i = 0; i < active && fresh < n_senders; i++) ready_push(fresh++);
    char *marker_text = read_file(dir, "markers", &len);
    for (char *line = strtok(marker_text, "\n"); line; line = strtok(NULL, "\n")) {
        if (n_markers == MAX_MARKERS) die("markers: more than %d", MAX_MARKERS);
        markers[n_markers] = line;
        marker_len[n_markers++] = strlen(line);
    }

    server.sin_family = AF_INET;
    server.sin_port = htons((uint16_t)port);
    server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (size_t i = 0; i < MAX_CONNECTIONS; i++) slots[i].fd = -1;
    epfd = epoll_create1(EPOLL_CLOEXEC);
    int timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (epfd < 0 || timer < 0) die("epoll/timerfd: %s", strerror(errno));
    struct epoll_event tev = {.events = EPOLLIN, .data.u32 = TIMER_SLOT};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, timer, &tev) < 0) die("epoll: %s", strerror(errno));

    puts("running");
    fflush(stdout);
    struct rusage before, after;
    getrusage(RUSAGE_SELF, &before);
    double start = monotonic(), end = start + seconds;
    double due = start + exponential(rate);
    int arriving = 1; /* arrivals due before the end are still to be sent */
    first_at = last_at = start;
    struct epoll_event events[64];

    for (;;) {
        double now = monotonic();
        /* the arrivals that are due, in order, while a sender and a connection are free */
        while (arriving && due <= now) {
            if (due >= end) {
                arriving = 0;
                break;
            }
            if (in_flight == MAX_CONNECTIONS) break;
            long s = pool_take();
            if (s < 0) {
                if (!in_flight) arriving = 0; /* everyone has said everything */
                break;
            }
            size_t i = 0;
            while (slots[i].state != FREE) i++; /* in_flight < MAX: one is free */
            dispatch(&slots[i], (size_t)s, due, now, timeout);
            due += exponential(rate);
        }
        /* the exchanges that took too long */
        double wake = arriving && due > now ? due : INFINITY;
        int timed_out = 0;
        for (size_t i = 0; i < MAX_CONNECTIONS; i++) {
            if (slots[i].state == FREE) continue;
            if (slots[i].deadline <= now) {
                fail(&slots[i], timeout_name);
                timed_out = 1;
            } else if (slots[i].deadline < wake) {
                wake = slots[i].deadline;
            }
        }
        if (!arriving && !in_flight) break;
        if (timed_out) continue; /* it freed a sender and a connection: dispatch again */
        struct itimerspec when = {{0, 0}, {0, 0}};
        if (wake < INFINITY) {
            when.it_value.tv_sec = (time_t)wake;
            when.it_value.tv_nsec = (long)((wake - (double)(time_t)wake) * 1e9);
            if (when.it_value.tv_sec == 0 && when.it_value.tv_nsec == 0)
                when.it_value.tv_nsec = 1; /* zero would disarm it */
        }
        timerfd_settime(timer, TFD_TIMER_ABSTIME, &when, NULL);
        int n = epoll_wait(epfd, events, 64, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait: %s", strerror(errno));
        }
        for (int k = 0; k < n; k++) {
            uint32_t id = events[k].data.u32;
            if (id == TIMER_SLOT) {
                uint64_t expirations;
                if (read(timer, &expirations, sizeof expirations) < 0 && errno != EAGAIN)
                    die("timerfd: %s", strerror(errno));
                continue;
            }
            if (id >= MAX_CONNECTIONS) continue;
            Slot *c = &slots[id];
            if (c->state == FREE) continue; /* failed earlier in this batch */
            if (c->state == READING)
                on_readable(c);
            else
                on_writable(c);
        }
    }
    getrusage(RUSAGE_SELF, &after);
    double user = seconds_of(after.ru_utime) - seconds_of(before.ru_utime);
    double system = seconds_of(after.ru_stime) - seconds_of(before.ru_stime);

    long ok = (long)(latency_step.n + latency_file.n), error_total = other_errors;
    for (size_t i = 0; i < n_error_kinds; i++) error_total += errors[i].count;
    double elapsed = last_at - first_at > 1e-9 ? last_at - first_at : 1e-9;
    printf("{\"mode\":\"open\",\"concurrency\":null,\"active\":%ld,\"senders\":%zu,"
           "\"messages_prepared\":%zu,\"rate\":%.6g,\"duration\":%.6g,\"requests\":%ld,"
           "\"ok\":%ld,\"errors\":{", active, n_senders, n_messages, rate, seconds,
           ok + error_total, ok);
    for (size_t i = 0; i < n_error_kinds; i++) {
        if (i) putchar(',');
        print_json_string(errors[i].name);
        printf(":%ld", errors[i].count);
    }
    if (other_errors) printf("%s\"other\":%ld", n_error_kinds ? "," : "", other_errors);
    printf("},\"elapsed\":%.6f,\"throughput\":%.6f,\"latencies_ms\":{\"step\":",
           elapsed, (double)ok / elapsed);
    print_doubles(&latency_step);
    printf(",\"file\":");
    print_doubles(&latency_file);
    printf("},\"filed\":[");
    for (size_t i = 0; i < n_filed; i++)
        printf("%s[\"%s\",%.6f]", i ? "," : "", filed[i].ref, filed[i].at);
    printf("],\"connections\":%ld,\"generator\":\"openloop\",\"generator_cpu\":%.6f,"
           "\"generator_user\":%.6f,\"generator_system\":%.6f}\n",
           connections_opened, user + system, user, system);
    return fflush(stdout) == 0 ? 0 : 1;
}
