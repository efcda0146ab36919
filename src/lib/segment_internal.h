/* segment_internal.h — what the segmenter's files share: segment.c (lines, blocks, passages)
 * and stance.c (form answers: checkbox lines, checkboxes in prose, "Svar: Ja").
 * Internal to libhsok; the public interface is hsok/segment.h. */
#ifndef HSOK_SEGMENT_INTERNAL_H
#define HSOK_SEGMENT_INTERNAL_H

#include <stddef.h>

#include "buf.h"

/* ---- segment.c ---- */

/* Words of s[0..n): runs of bytes other than space and tab. */
int seg_count_words(const char *s, size_t n);

/* ---- stance.c ---- */

/* Nonzero if the line s[0..n) (trimmed) is a form line: two or more checkboxes (☒ ☑ ⊠ ■ [x]
 * checked, ☐ □ [ ] empty) and nothing but the options' short labels, after the boxes
 * ("☒ Ja ☐ Nei ☐ Vet ikke", "☒ Ja, utdyp gjerne ☐ Nei, utdyp gjerne") or before them
 * ("Ja ☒ Nei ☐"). A longer line, or one with a sentence around the boxes ("… støtter derfor
 * forslaget ☒ Ja ☐ Nei fullt ut. Kommunen …"), is prose: its text is kept as text. */
int seg_form_line(const char *s, size_t n);

/* Nonzero if s[0..n) holds a checkbox. */
int seg_has_box(const char *s, size_t n);

/* "Svar: Ja", "Svar: Vet ikke." — a form's answer written out: the length of the answer
 * (its offset in *at), or 0 if the line is not one. */
size_t seg_answer_line(const char *s, size_t n, size_t *at);

typedef enum seg_stance_from {
    SEG_FORM_LINE,   /* a line for which seg_form_line is true */
    SEG_ANSWER_LINE, /* a line for which seg_answer_line is true */
    SEG_PROSE        /* text of a paragraph or bullet, which stays a passage */
} seg_stance_from_t;

/* The stance in s[0..n), read as `from` says. Prose yields a stance only from one compact
 * run of checkboxes with the usual answers as labels ("… forslaget ☒ Ja ☐ Nei fullt ut …")
 * and one of them checked; any other checkbox in the text means no stance.
 * On a stance returns 1: the options "|"-separated are appended to *options ("Ja|Nei|Vet
 * ikke"; a label "Ja, utdyp gjerne" is the option "Ja"), and *ans_at, *ans_len give the first
 * checked option's label in s (*ans_len 0 when none is checked). Returns 0 when
 * there is no stance, -1 when appending to *options failed (options->err). */
int seg_read_stance(const char *s, size_t n, seg_stance_from_t from, buf_t *options,
                    size_t *ans_at, size_t *ans_len);

#endif
