/* Unit tests of the process's registry of echo identifiers (ident.h): no identifier is
 * handed out twice while it is held, and a released one can be claimed again. */
#include <stdbool.h>
#include <stdint.h>

#include "harness.h"
#include "ident.h"

static void claimed_identifier_cannot_be_claimed_again_until_released(void)
{
    CHECK(ident_claim(0x1234), "first claim");
    CHECK(!ident_claim(0x1234), "second claim while held");
    CHECK(ident_claim(0x1235), "the neighbour is free");
    ident_release(0x1234);
    CHECK(ident_claim(0x1234), "claim after release");
    ident_release(0x1234);
    ident_release(0x1235);
}

static void claim_any_never_returns_a_held_identifier(void)
{
    /* 4096 handles at once, far more than a process keeps: all distinct. */
    static uint16_t held[4096];
    static bool seen[65536];
    bool distinct = true;
    for (size_t i = 0; i < 4096; i++) {
        CHECK(ident_claim_any(&held[i]), "claim %zu", i);
        distinct = distinct && !seen[held[i]];
        seen[held[i]] = true;
    }
    CHECK(distinct, "4096 identifiers held at once are distinct");
    for (size_t i = 0; i < 4096; i++)
        CHECK(!ident_claim(held[i]), "identifier %u is held", held[i]);
    for (size_t i = 0; i < 4096; i++)
        ident_release(held[i]);
    CHECK(ident_claim(held[0]), "released again");
    ident_release(held[0]);
}

static void claim_any_fails_only_when_every_identifier_is_held(void)
{
    for (uint32_t i = 0; i < 65536; i++)
        (void)ident_claim((uint16_t)i);
    uint16_t id;
    CHECK(!ident_claim_any(&id), "all 65536 held");
    ident_release(777);
    CHECK(ident_claim_any(&id) && id == 777, "the one free identifier is found");
    for (uint32_t i = 0; i < 65536; i++)
        ident_release((uint16_t)i);
}

int main(void)
{
    RUN(claimed_identifier_cannot_be_claimed_again_until_released);
    RUN(claim_any_never_returns_a_held_identifier);
    RUN(claim_any_fails_only_when_every_identifier_is_held);
    return harness_result();
}
