/*
 * app.c - the app context of sealdrop-journalist (journalist.h), filled by
 * main.c at start-up (by the fuzz harness in tests/fuzz). In a file of its
 * own so that every file may use it without depending on another.
 */
#include "journalist.h"

struct jn_app jn_app;
