/* segment_internal.h — what the segmenter's files share. The stages, in order:
 *   segment_lines.c      pass 1: source lines, page furniture, the gaps between lines
 *   segment_blocks.c     pass 2: lines classified and joined into blocks (headings, bullets …)
 *   segment_furniture.c  letter furniture: addresses, dates, closing and signature (B_META)
 *   segment.c            pass 3: blocks become passages with sections; hsok_segment() itself
 *   stance.c             form answers: checkbox lines, checkboxes in prose, "Svar: Ja"
 *   respondent.c         who wrote a response: letterhead, title, "X mener", signature
 *   segment_words.c      word and sentence helpers they share
 * Internal to libhsok; the public interface is hsok/segment.h. */
#ifndef HSOK_SEGMENT_INTERNAL_H
#define HSOK_SEGMENT_INTERNAL_H

#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include <utf8proc.h>

#include "buf.h"
#include "hsok/segment.h"

/* ---- UTF-8 and word helpers ---- */

/* The code point at s[i] (len bytes in all), its length in *n; -1 (length 1) if invalid. */
static inline utf8proc_int32_t cp_at(const char *s, size_t len, size_t i, size_t *n)
{
    utf8proc_int32_t c;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &c);
    if (k <= 0) {
        *n = 1;
        return -1;
    }
    *n = (size_t)k;
    return c;
}

static inline int is_letter(utf8proc_int32_t c)
{
    if (c < 0)
        return 0;
    utf8proc_category_t cat = utf8proc_category(c);
    return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

static inline int is_upper(utf8proc_int32_t c)
{
    return c >= 0 && utf8proc_category(c) == UTF8PROC_CATEGORY_LU;
}

static inline int is_lower(utf8proc_int32_t c)
{
    return c >= 0 && utf8proc_category(c) == UTF8PROC_CATEGORY_LL;
}

static inline int starts_with_ci(const char *s, size_t len, const char *p)
{
    size_t n = strlen(p);
    if (len < n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)s[i]) != tolower((unsigned char)p[i]))
            return 0;
    return 1;
}


/* the code point ending just before byte i */
static inline utf8proc_int32_t cp_before(const char *s, size_t i, size_t *n)
{
    size_t j = i;
    while (j > 0 && ((unsigned char)s[j - 1] & 0xC0) == 0x80 && i - j < 3)
        j--;
    if (j > 0)
        j--;
    size_t k;
    utf8proc_int32_t c = cp_at(s, i, j, &k);
    *n = i - j;
    return c;
}

/* space, tab, NBSP, other Unicode spaces, form feed */
static inline size_t space_len(const char *s, size_t len, size_t i)
{
    unsigned char b = (unsigned char)s[i];
    if (b == ' ' || b == '\t' || b == '\f' || b == '\v' || b == '\r')
        return 1;
    if (b >= 0xC2) {
        size_t n;
        utf8proc_int32_t c = cp_at(s, len, i, &n);
        if (c == 0xA0 || c == 0x2007 || c == 0x202F || c == 0xFEFF ||
            (c >= 0x2000 && c <= 0x200B) || c == 0x3000)
            return n;
    }
    return 0;
}

/* ---- lines (segment_lines.c, pass 1) ---- */

enum { GAP_NONE, GAP_SOFT, GAP_HARD };

typedef struct tline {
    size_t start, end; /* trimmed content [start, end) in the text */
    unsigned no;       /* 1-based */
    int gap_before;    /* gap between the previous text line and this one */
    unsigned char hint, level; /* the reader's hint for the line (hsok_hint_kind_t), 0: none */
} tline_t;

/* ---- blocks (segment_blocks.c, pass 2) ---- */

/* B_META: letter and e-mail furniture that is neither a passage nor a section: header fields
 * ("Dato:", "Vår ref.:", "Subject:"), postal addresses, date lines, the signature after the
 * closing ("Med vennlig hilsen"), the "elektronisk godkjent" note. Read for the respondent. */
enum bkind { B_PARA, B_BULLET, B_QUESTION, B_HEADING, B_UHEADING, B_TITLE, B_CHECKBOX, B_FOOTNOTE,
             B_META };

typedef struct piece {
    size_t out;  /* offset in the block's text */
    size_t src;  /* source offset of that byte */
    size_t n;    /* bytes copied from the source */
    unsigned no; /* source line */
} piece_t;

typedef struct block {
    enum bkind kind;
    buf_t text;
    piece_t *pieces;
    size_t npieces, cappieces;
    int number; /* question or heading number */
    int goal;   /* "Mål N" */
    int closed; /* a heading or checkbox line that takes no more lines */
    int postal; /* B_META: a postal address line ("Postboks 8011 Dep", "0030 Oslo") */
    int sig;    /* B_META: the closing formula (1) or a line of the signature under it (2) */
    size_t answer_len; /* B_CHECKBOX from a line "Svar: Ja" (the answer's length) */
    int label_only; /* B_QUESTION: a web form's "Spørsmål 4" alone, waiting for its text */
    int level;      /* a heading the reader marked (HSOK_HINT_HEADING): its level, 1.. */
    int hinted;     /* the reader said what the block is: no guessing it is something else */
} block_t;


/* Does block b lie on one source line? */
static inline int single_line_block(const block_t *b)
{
    return b->npieces > 0 && b->pieces[0].no == b->pieces[b->npieces - 1].no;
}

/* The segmentation of one text: its lines, then its blocks. */
typedef struct seg {
    const char *name;
    const char *t;
    size_t len;
    const struct hsok_hint *hints; /* the reader's structure hints, sorted by offset */
    size_t nhints;
    tline_t *tl;
    size_t ntl;
    block_t *blocks;
    size_t nblocks, capblocks;
    int footnotes[100]; /* footnotes[n]: a footnote line "n text" exists and n is used as a marker */
    int plain_last[4];  /* the last number of each plain_heading style seen */
    int oom;
} seg_t;

/* ---- segment_lines.c ---- */

/* Pass 1: sg->tl gets the text lines of sg->t with their gaps. -1 when memory ran out. */
int seg_build_lines(seg_t *sg);

/* ---- segment_blocks.c ---- */

/* sg->footnotes: the numbers n of footnote lines "n text" whose marker is used in the text. */
void seg_find_footnotes(seg_t *sg);

/* Pass 2: sg->blocks from sg->tl (sg->oom set when memory ran out). */
void seg_build_blocks(seg_t *sg);

/* A new empty block at the end of sg->blocks; NULL (and sg->oom) when memory ran out. */
block_t *seg_new_block(seg_t *sg, enum bkind kind);
void seg_block_free(block_t *b);

/* The source offset (*src) and line (*no) of offset `out` in block b's text; is_end: `out`
 * ends a span (an offset between two pieces belongs to the earlier one). */
void seg_block_src(const block_t *b, size_t out, int is_end, size_t *src, unsigned *no);

/* Length of a bullet mark plus the spaces after it at s (0 if none); *dash set for dashes. */
size_t seg_bullet_len(const char *s, size_t n, int *dash);

/* "N) " or "N. " (or "Spørsmål N"): the question number, else -1; *skip: bytes to the text. */
int seg_question_at(const char *s, size_t n, size_t *skip);

/* ---- segment_furniture.c ---- */

/* Mark postal addresses, date lines, the closing and signature, and the "electronically
 * approved" note as B_META. */
void seg_mark_furniture(seg_t *sg);

/* ---- segment_words.c ---- */

/* Words of s[0..n): runs of bytes other than space and tab. */
int seg_count_words(const char *s, size_t n);

/* Nonzero if s[0..n) equals a word of the NULL-ended list, ASCII case ignored. */
int seg_in_list(const char *const *list, const char *s, size_t n);

/* s[0..n) lower-cased into out (cap bytes, nul-terminated, cut at a whole character): its
 * length. */
size_t seg_lower_word(const char *s, size_t n, char *out, size_t cap);

/* Nonzero if s[0..n) starts with an upper-case letter. */
int seg_cap_word(const char *s, size_t n);

/* Nonzero if s[0..n) starts with a title word ("Høringssvar", "Høyringsfråsegn", …). */
int seg_title_at(const char *s, size_t n);

/* Nonzero if s[0..n) ends a sentence (. ? ! : ; …, quotes and brackets skipped). */
int seg_ends_sentence(const char *s, size_t n);

/* A postal line ("Postboks 8011 Dep", "0030 Oslo"): 1; a code that could be a year: 2; else 0. */
int seg_postal_line(const char *s, size_t n);

/* The length of the closing formula ("Med vennlig hilsen") at the start of s, or 0. */
size_t seg_closing_at(const char *s, size_t n);

/* Short function words ("og", "i", "for", …), NULL-ended. */
extern const char *const seg_function_words[];

/* Abbreviations that end with a period inside a sentence ("bl.a", "f.eks"), NULL-ended. */
extern const char *const seg_abbrevs[];

/* ---- respondent.c ---- */

/* The respondent named in blocks [from, to) of one response: malloc'd (the caller frees), or
 * NULL when none is found or memory ran out. *how (may be NULL) gets what found it, a static
 * string: "title" ("Høringssvar fra X"), "header" ("Fra:", "Avsender:"), "by line" ("avgitt
 * av X"), "letterhead", "possessive" ("Xs høringssvar"), "signature" (an organisation under
 * the closing), "text" ("X mener …"), "mailbox" (an e-mail's sender, maybe forwarded) or
 * "signer" (a person's name under the closing); the last two are weak evidence. */
char *resp_detect(const block_t *blocks, size_t from, size_t to, const char **how);

/* The name a detected respondent is known by: the alias table's canonical name if it has one
 * ("Legeforeningen" -> "Den norske legeforening"), else the name in ordinary case if the
 * text wrote it in capitals ("LILLEVIK KOMMUNE" -> "Lillevik kommune"). malloc'd; NULL when
 * memory ran out. aliases may be NULL. */
char *resp_canonical(const char *found, const hsok_aliases_t *aliases);

/* Nonzero if s[0..n) looks like a person's name ("Kari Berg-Hansen": 2 to 4 capitalised
 * words), as a signature's first line is read. */
int resp_person_name(const char *s, size_t n);

/* Nonzero if the name holds an organisation word ("kommune", "…foreningen", "HF") or is an
 * acronym in capitals. */
int resp_org_name(const char *name);

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

/* Length of the usual answer ("Ja", "Nei", "Vet ikke", "Delvis", "Usikker", "Veit ikkje")
 * that s[0..n) starts with as a whole word, 0 if none. */
size_t seg_usual_answer(const char *s, size_t n);

/* ---- webform.c ---- */

/* A web-form question label at the start of the line s[0..n): "Spørsmål 4: Støtter …?",
 * "Spørsmål 4", "Spørsmål nr. 4 – …", "Spm. 4". Returns the number (>= 1), *skip the offset
 * of the question's text (n when the line is the label alone); -1 if the line is none
 * ("Spørsmål 3 i høringsnotatet …" is a sentence, "Spørsmål 4.1" a section). */
int wf_question_at(const char *s, size_t n, size_t *skip);

/* A comment label at the start of s[0..n): "Kommentar:", "Kommentar til spørsmål 3:",
 * "Eventuelle kommentarer:", "Begrunnelse:", "Utdyp:", "Merknad:", "Grunngiving:" … The
 * offset of the text after it (n when nothing follows), or 0 if there is no label. */
size_t wf_comment_label(const char *s, size_t n);

/* A written answer "Svar: …" (or "Svar på spørsmål 3: …") at the start of s[0..n): the
 * offset of the text after the label, 0 if none. *ans_len is the length of a usual answer
 * standing first in that text ("Ja", "Nei, fordi …"), 0 for free text. */
size_t wf_answer_label(const char *s, size_t n, size_t *ans_len);

/* The offset of the text that follows an answer ending at `at` ("Ja, fordi …" -> "fordi …"):
 * punctuation and spaces skipped; n when nothing follows. */
size_t wf_after_answer(const char *s, size_t n, size_t at);

#endif
