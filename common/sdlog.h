/*
 * sdlog.h - the one log and fatal-error module of every sealdrop program
 * (in the shape of OpenBSD httpd's log.c): one line on stderr a message,
 * "PROG: message", written in one call so lines of threads do not mix.
 *
 * A program names itself once with sdlog_init() at the top of main(). The
 * daemons' lines name events only: never a secret (a key, a passphrase, a
 * codename), a file name, a size, an address or a User-Agent; callers pass
 * no such thing. Control characters in a message are written as '?', so
 * text that came from outside cannot forge a line. A line is at most
 * SDLOG_LINE_MAX bytes (longer messages are cut).
 *
 *   sdlog_info, sdlog_warnx     a line
 *   sdlog_warn                  a line and ": strerror(errno)"
 *   sdlog_fatalx, sdlog_fatal   the same, then exit(1): for set-up errors of
 *                               programs only; library code never calls them
 */
#ifndef SD_LOG_H
#define SD_LOG_H

#define SDLOG_LINE_MAX 1024

/* The program name put before every line ("sealdrop" until called); prog
 * must live as long as the program (a literal). */
void sdlog_init(const char *prog);
const char *sdlog_prog(void);

void sdlog_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sdlog_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sdlog_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sdlog_fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void sdlog_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
