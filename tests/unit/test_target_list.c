/*
 * The --targets list (src/command/target_list.c): comma lists, file lines with comments and
 * blank lines, duplicates kept in order, names that cannot be targets, and @FILE / @- loading.
 */
#include "target_list.h"

#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The names of a list joined with "|", e.g. "a|b|a". */
static void joined(const struct target_list *list, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < list->count && used < size; i++)
        used += (size_t)snprintf(out + used, size - used, "%s%s", i ? "|" : "",
                                 target_list_name(list, i));
}

struct list_case {
    const char *text;
    bool lines;
    const char *want; /* joined names, or NULL: rejected with message `error` */
    const char *error;
};

static const struct list_case cases[] = {
    {"a", false, "a", NULL},
    {"a,b,c", false, "a|b|c", NULL},
    {"a,b,a", false, "a|b|a", NULL}, /* duplicates stay, as separate targets */
    {" a , b ", false, "a|b", NULL},
    {"a,,b,", false, "a|b", NULL},
    {",", false, "", NULL},
    {"198.18.0.1,2001:db8::1,h.example", false, "198.18.0.1|2001:db8::1|h.example", NULL},
    {"a\nb\n", true, "a|b", NULL},
    {"a\r\nb\r\n", true, "a|b", NULL},
    {"# hosts\n\na  # the first\n   \n\tb\n#c\n", true, "a|b", NULL},
    {"a\nb", true, "a|b", NULL}, /* no newline after the last line */
    {"a,b\n", true, "a|b", NULL},
    {"a b", false, NULL, "The target \"a b\" holds a blank."},
    {"a b\n", true, NULL, "The target \"a b\" holds a blank."},
    {"", true, "", NULL},
};

static void lists_split_into_names_in_order(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct target_list list = {0};
        char error[200] = "", got[512];
        int result = target_list_add(&list, cases[i].text, strlen(cases[i].text), cases[i].lines,
                                     error, sizeof error);
        if (cases[i].want != NULL) {
            CHECK_INT(result, 0, "case %zu accepted (message \"%s\")", i, error);
            joined(&list, got, sizeof got);
            CHECK_STR(got, cases[i].want, "case %zu", i);
        } else {
            CHECK_INT(result, -1, "case %zu rejected", i);
            CHECK_STR(error, cases[i].error, "case %zu", i);
        }
        target_list_free(&list);
    }
}

static void a_name_too_long_is_rejected(void)
{
    char name[TARGET_LIST_MAX_NAME + 2];
    struct target_list list = {0};
    char error[200] = "";

    memset(name, 'x', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    CHECK_INT(target_list_add(&list, name, strlen(name), false, error, sizeof error), -1,
              "256 characters");
    CHECK(strstr(error, "is longer than 255 characters") != NULL, "message: %s", error);
    name[TARGET_LIST_MAX_NAME] = '\0';
    CHECK_INT(target_list_add(&list, name, strlen(name), false, error, sizeof error), 0,
              "255 characters");
    CHECK_INT(list.count, 1, "one name");
    target_list_free(&list);
}

static void many_names_keep_their_order(void)
{
    struct target_list list = {0};
    char error[200] = "", name[32];
    int failed = 0;

    for (int i = 0; i < 20000; i++) {
        snprintf(name, sizeof name, "198.18.%d.%d\n", i / 256, i % 256);
        failed |= target_list_add(&list, name, strlen(name), true, error, sizeof error);
    }
    CHECK_INT(failed, 0, "20000 lines added");
    CHECK_INT(list.count, 20000, "20000 names");
    CHECK_STR(target_list_name(&list, 0), "198.18.0.0", "first");
    CHECK_STR(target_list_name(&list, 19999), "198.18.78.31", "last");
    target_list_free(&list);
}

static void files_and_standard_input_are_read_as_lines(void)
{
    char path[] = "/tmp/wping-target-list-XXXXXX";
    int fd = mkstemp(path);
    struct target_list list = {0};
    char error[400] = "", got[256], spec[64];
    static const char text[] = "# fleet\nh1\nh2 # second\n\nh1\n";

    CHECK(fd >= 0, "temporary file");
    if (fd < 0)
        return;
    CHECK_INT(write(fd, text, sizeof text - 1), (int)(sizeof text - 1), "written");
    close(fd);

    CHECK_INT(target_list_add_name(&list, "first"), 0, "positional target");
    snprintf(spec, sizeof spec, "@%s", path);
    CHECK_INT(target_list_load(&list, spec, stdin, error, sizeof error), 0, "@FILE: %s", error);
    joined(&list, got, sizeof got);
    CHECK_STR(got, "first|h1|h2|h1", "the positional target first, then the file in order");

    FILE *in = fopen(path, "r");
    CHECK(in != NULL, "reopened");
    if (in != NULL) {
        CHECK_INT(target_list_load(&list, "@-", in, error, sizeof error), 0, "@-: %s", error);
        fclose(in);
    }
    joined(&list, got, sizeof got);
    CHECK_STR(got, "first|h1|h2|h1|h1|h2|h1", "@- reads the stream");

    CHECK_INT(target_list_load(&list, "x,y", stdin, error, sizeof error), 0, "comma list");
    CHECK_INT(list.count, 9, "two more");
    target_list_free(&list);

    unlink(path);
    CHECK_INT(target_list_load(&list, spec, stdin, error, sizeof error), -1, "a missing file");
    snprintf(got, sizeof got, "wping: cannot read the target list %s: No such file or directory",
             path);
    CHECK_STR(error, got, "says which file and why");
    target_list_free(&list);
}

int main(void)
{
    RUN(lists_split_into_names_in_order);
    RUN(a_name_too_long_is_rejected);
    RUN(many_names_keep_their_order);
    RUN(files_and_standard_input_are_read_as_lines);
    return harness_result();
}
