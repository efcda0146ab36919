/* formtext.h — recognising a hearing's form text (formtext.c): the normalised text that two
 * copies of one form's question, preamble or boilerplate share, whatever their numbering,
 * case, spacing and punctuation. Internal to libhsok. */
#ifndef HSOK_FORMTEXT_H
#define HSOK_FORMTEXT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* The normalised text of s[0..n) appended to out: leading numbering and labels dropped
 * ("Spørsmål 4:", "Spm. 4 –", "4)", "4.", "4.1", "a)", a bullet), letters and digits case
 * folded, every other run of characters one space, trimmed. "3) Støtter dere forslaget?"
 * and "Spørsmål 7: støtter dere  forslaget" give the same text. Returns the number of words
 * appended; out->err is set when memory ran out. */
size_t ft_normalise(const char *s, size_t n, buf_t *out);

/* The length of the numbering or label that s[0..n) starts with ("Spørsmål 4: ", "Spm. 4 – ",
 * "4) ", "4.1 ", "a) ", a bullet), with the spaces after it; 0 if none. */
size_t ft_lead_label(const char *s, size_t n);

#endif
