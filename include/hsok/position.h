/* position.h — the position a passage states on what the hearing proposes.
 *
 * From Norwegian wording, bokmål and nynorsk: "vi støtter forslaget", "Legeforeningen går
 * imot", "er positive til", "sluttar seg til" (støtter); "støtter ikke", "kan ikkje støtte",
 * "er uenig i", "er kritisk til", "frårår" (imot); "delvis enig", "støtter i hovedsak",
 * "støtter …, men kan ikke se at …" (delvis); "ber departementet endre", "foreslår at … endres",
 * "bør utredes", "må takast inn" (endring). Negation and scope are read: "vi kan ikke se at
 * dette støtter …" and "tiltak som støtter læring" state nothing, and a question ("Støtter
 * dere forslaget?") is no position. A form's answer ("Ja"/"Nei"/"Delvis" under a question
 * that asks for support or agreement) gives the same positions (hsok_position_from_answer).
 */
#ifndef HSOK_POSITION_H
#define HSOK_POSITION_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum hsok_position {
    HSOK_POSITION_NONE = 0, /* no position stated */
    HSOK_POSITION_SUPPORT,  /* "stotter": supports, agrees */
    HSOK_POSITION_OPPOSE,   /* "imot": does not support, opposes */
    HSOK_POSITION_PARTIAL,  /* "delvis": supports in part, or with a stated reservation */
    HSOK_POSITION_CHANGE    /* "endring": asks for a change */
} hsok_position_t;

#define HSOK_POSITION_COUNT 5

/* The words that gave a position: up to two byte ranges [start, end) of the text (a partial
 * position names the support and the reservation). */
typedef struct hsok_position_evidence {
    size_t nspans;
    size_t start[2], end[2];
} hsok_position_evidence_t;

/* The position text[0..len) (UTF-8) states, and in *ev (may be NULL) the words that gave it
 * (nspans 0 for none). Never fails; text that is not UTF-8 is read byte by byte. */
hsok_position_t hsok_position_detect(const char *text, size_t len,
                                     hsok_position_evidence_t *ev);

/* The evidence as text: its spans of text joined by " … ", malloc'd ("" when there is none);
 * NULL when memory ran out. */
char *hsok_position_evidence_text(const char *text, const hsok_position_evidence_t *ev);

/* The position a form's answer gives: "Ja" (also "Ja, …"), "Nei" and "Delvis" under a
 * question that asks for support or agreement ("Støtter dere forslaget?", "Er de einige
 * i …?", "Er dere positive til …?"); HSOK_POSITION_NONE for any other question or answer
 * ("Har dere kommentarer?" – "Ja"). Either may be NULL. */
hsok_position_t hsok_position_from_answer(const char *question, const char *answer);

/* The ASCII id of a position, as stored, filtered and written in JSON: "stotter", "imot",
 * "delvis", "endring"; "" for none. Static. */
const char *hsok_position_id(hsok_position_t p);

/* The Norwegian label, for people: "støtter", "går imot", "delvis", "ber om endring"; "" for
 * none. Static. */
const char *hsok_position_label(hsok_position_t p);

/* The position s names: an id ("stotter"), a label ("går imot") or another common name
 * ("støtter", "støttar", "støtter ikke", "mot", "imot", "i mot", "uenig", "endring",
 * "ber om endring", "none", "ingen"), in any case. Returns 0 and sets *out, or -1 when s
 * names none. */
int hsok_position_parse(const char *s, hsok_position_t *out);

/* The accepted values for messages: "stotter, imot, delvis, endring, ingen". */
#define HSOK_POSITION_NAMES "stotter, imot, delvis, endring, ingen"

#ifdef __cplusplus
}
#endif
#endif
