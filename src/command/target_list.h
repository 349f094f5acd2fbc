/*
 * The list of --targets (docs/design.md, Many targets): comma-separated hosts, or @FILE with one
 * host a line (`#` starts a comment, blank lines are ignored), or @- for standard input, after the
 * positional target when one is given. Duplicates stay, as separate targets, in order.
 */
#ifndef WPING_TARGET_LIST_H
#define WPING_TARGET_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The longest host name a list may hold (a DNS name is at most 253 characters). */
#define TARGET_LIST_MAX_NAME 255

struct target_list {
    char *text;    /* every name, NUL-terminated one after the other (owned) */
    size_t length; /* bytes used in text */
    size_t capacity;
    size_t *offsets; /* where each name starts in text, in order (owned) */
    size_t count;
    size_t offsets_capacity;
};

/* The i-th name (0-based, i < count). */
static inline const char *target_list_name(const struct target_list *list, size_t i)
{
    return list->text + list->offsets[i];
}

/*
 * Adds the hosts in `text` (`length` bytes, need not be NUL-terminated): a comma list when
 * `lines` is false, else a file's contents, one host (or comma list) a line, # comments.
 * Blanks around a name are dropped and empty items skipped. Returns 0, or -1 with `error`
 * set: a name longer than TARGET_LIST_MAX_NAME or holding a blank, or no memory. Pure but
 * for the allocation.
 */
int target_list_add(struct target_list *list, const char *text, size_t length, bool lines,
                    char *error, size_t error_size);

/* Adds one name as it is (the positional target). Returns 0 or -1 (no memory). */
int target_list_add_name(struct target_list *list, const char *name);

/*
 * Adds what a --targets value names: the comma list itself, or the lines of @FILE, or of
 * standard input (`in`) for @-. Returns 0, or -1 with `error` set (a file that cannot be
 * read says so with its name and errno).
 */
int target_list_load(struct target_list *list, const char *spec, FILE *in, char *error,
                     size_t error_size);

void target_list_free(struct target_list *list);

#endif /* WPING_TARGET_LIST_H */
