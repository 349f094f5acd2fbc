/* The --targets list: splitting a comma list or a file's lines into host names. */
#include "target_list.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static bool S_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static int S_reserve(struct target_list *list, size_t more)
{
    if (list->length + more > list->capacity) {
        size_t capacity = list->capacity ? list->capacity : 256;
        while (capacity < list->length + more)
            capacity *= 2;
        char *text = realloc(list->text, capacity);
        if (text == NULL)
            return -1;
        list->text = text;
        list->capacity = capacity;
    }
    if (list->count == list->offsets_capacity) {
        size_t capacity = list->offsets_capacity ? list->offsets_capacity * 2 : 16;
        size_t *offsets = realloc(list->offsets, capacity * sizeof(*offsets));
        if (offsets == NULL)
            return -1;
        list->offsets = offsets;
        list->offsets_capacity = capacity;
    }
    return 0;
}

static int S_push(struct target_list *list, const char *name, size_t length)
{
    if (S_reserve(list, length + 1) != 0)
        return -1;
    memcpy(list->text + list->length, name, length);
    list->text[list->length + length] = '\0';
    list->offsets[list->count++] = list->length;
    list->length += length + 1;
    return 0;
}

int target_list_add_name(struct target_list *list, const char *name)
{
    return S_push(list, name, strlen(name));
}

/* One item of a list: blanks around it dropped, an empty one skipped. */
static int S_item(struct target_list *list, const char *item, size_t length, char *error,
                  size_t error_size)
{
    while (length > 0 && S_blank(item[0])) {
        item++;
        length--;
    }
    while (length > 0 && S_blank(item[length - 1]))
        length--;
    if (length == 0)
        return 0;
    if (length > TARGET_LIST_MAX_NAME) {
        snprintf(error, error_size, "The target %.40s... is longer than %d characters.", item,
                 TARGET_LIST_MAX_NAME);
        return -1;
    }
    for (size_t i = 0; i < length; i++) {
        if (S_blank(item[i]) || item[i] == '\0') {
            snprintf(error, error_size, "The target \"%.*s\" holds a blank.", (int)length, item);
            return -1;
        }
    }
    if (S_push(list, item, length) != 0) {
        snprintf(error, error_size, "wping: out of memory");
        return -1;
    }
    return 0;
}

int target_list_add(struct target_list *list, const char *text, size_t length, bool lines,
                    char *error, size_t error_size)
{
    const char separator = lines ? '\n' : ',';
    size_t at = 0;

    while (at < length) {
        const char *start = text + at;
        const char *end = memchr(start, separator, length - at);
        size_t item = end != NULL ? (size_t)(end - start) : length - at;
        size_t used = item;

        if (lines) {
            /* a line may hold a comma list of its own */
            const char *comment = memchr(start, '#', item);
            if (comment != NULL)
                used = (size_t)(comment - start);
            if (target_list_add(list, start, used, false, error, error_size) != 0)
                return -1;
        } else if (S_item(list, start, used, error, error_size) != 0) {
            return -1;
        }
        at += item + 1;
    }
    return 0;
}

/* The whole of a stream, NUL-terminated; NULL with errno set when it cannot be read. */
static char *S_slurp(FILE *in, size_t *length)
{
    size_t capacity = 4096, used = 0;
    char *data = malloc(capacity);

    while (data != NULL) {
        size_t got = fread(data + used, 1, capacity - used - 1, in);
        used += got;
        if (used + 1 < capacity) {
            if (ferror(in)) {
                free(data);
                return NULL;
            }
            data[used] = '\0';
            *length = used;
            return data;
        }
        char *bigger = realloc(data, capacity * 2);
        if (bigger == NULL)
            free(data);
        data = bigger;
        capacity *= 2;
    }
    errno = ENOMEM;
    return NULL;
}

int target_list_load(struct target_list *list, const char *spec, FILE *in, char *error,
                     size_t error_size)
{
    FILE *file;
    char *data;
    size_t length = 0;
    int result;

    if (spec[0] != '@')
        return target_list_add(list, spec, strlen(spec), false, error, error_size);
    file = strcmp(spec, "@-") == 0 ? in : fopen(spec + 1, "r");
    if (file == NULL) {
        snprintf(error, error_size, "wping: cannot read the target list %.200s: %s", spec + 1,
                 strerror(errno));
        return -1;
    }
    data = S_slurp(file, &length);
    if (data == NULL)
        snprintf(error, error_size, "wping: cannot read the target list %.200s: %s",
                 file == in ? "from standard input" : spec + 1, strerror(errno));
    if (file != in)
        fclose(file);
    if (data == NULL)
        return -1;
    result = target_list_add(list, data, length, true, error, error_size);
    free(data);
    return result;
}

void target_list_free(struct target_list *list)
{
    free(list->text);
    free(list->offsets);
    memset(list, 0, sizeof(*list));
}
