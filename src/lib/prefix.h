/* prefix.h — the one table of term prefixes and value slots (after Omega's termprefixes).
 *
 * Word terms carry no prefix: the normalised (NFC, case-folded) surface form, with positions.
 * Normalised words never start with an ASCII capital, so capital prefixes cannot collide.
 */
#ifndef HSOK_PREFIX_H
#define HSOK_PREFIX_H

#define PFX_STEM "Z"        /* Z + stem of a word: matches every inflection */
#define PFX_PART "P"        /* P + stem of a compound part (colocated with its word) */
#define PFX_LEMMA "L"       /* L + lemma of a word (hunspell nb/nn): base and inflected forms */
#define PFX_VARIANT "V"     /* V + bokmål/nynorsk concept of a word (data/nb-nn.tsv) */
#define PFX_ID "Q"          /* Q + passage id (unique) */
#define PFX_FILE "XF"       /* XF + file key (hex hash of the content, see index.c) */
#define PFX_RESPONDENT "XR" /* XR + normalised respondent name */
#define PFX_QUESTION "XQ"   /* XQ + question number */
#define PFX_GOAL "XG"       /* XG + goal number ("Mål 3" → XG3) */
#define PFX_SECTION "XS"    /* XS + normalised word of the section path */
#define PFX_THEME "XT"      /* XT + theme id */
#define PFX_KIND "XK"       /* XK + passage kind: p (paragraph), b (bullets), f (footnote) */
#define PFX_RTYPE "XY"      /* XY + respondent type ("kommune", see segment.h) */
#define PFX_FORMKEY "XH"    /* XH + hash of the passage's normalised text (dbform.c) */
#define PFX_FORM "XO"       /* the passage is the hearing's form text (dbform.c) */
#define PFX_FORMDATA "XL"   /* its data carries "form"/"fsection" lines (dbform.c) */
#define PFX_POSITION "XP"   /* XP + position id ("stotter", "imot", "delvis", "endring") */
#define PFX_COPY "XC"       /* the passage is in a group of copies (copies.c) */

/* Only what a search sorts or collapses by is a value; the rest of a passage is in its data
 * record. Slots 0, 1, 3, 4 and 5 once held the respondent, section, line, ordinal and file
 * key, copies of the record that nothing read (4 MB of a 94 MB index); passages indexed
 * before still have them, unused. */
enum {
    SLOT_SOURCE = 2,   /* the source path: orders passages of equal score (shards.c) */
    SLOT_DUP = 6,      /* hash of respondent + text (db_dup_key): identical passages of one
                          respondent collapse to one search hit; "c" + group id for a
                          passage in a group of copies (copies.c), so the group does */
    SLOT_OWNDUP = 7    /* the hash of respondent + text always: the collapse key of a search
                          that shows every copy (hsok_search_opts_t.no_collapse) */
};

/* Metadata keys. */
#define META_FILE "file:"       /* file:<key> → record of an indexed file (see index.c) */
#define META_PATH "fpath:"      /* fpath:<hash of a real path> → key of the file indexed there */
#define META_FORMAT "hsok:format" /* index format version */
#define META_LEMMA "lemma:"     /* lemma:<word> → its lemmas, space-separated, when they are
                                   not just the word itself (see dblemma.c) */
#define META_LEMMAS "lemmas"    /* "on" when the nb/nn dictionaries were used, else "off" */
#define META_COMPOUNDS "compounds" /* "on" when a compound lexicon split words, else "off" */
#define META_VARIANTS "nb-nn"   /* the bokmål/nynorsk table the index was built with */
#define META_COPY "copy:"       /* copy:<group id> → a group of copies (copies.c) */
#define META_COPY_OF "copyof:"  /* copyof:<passage id> → its group's id */
#define META_COPIES "copies"    /* "GROUPS PASSAGES" of the copies, "" when none */
#define META_SPELLING "spelling" /* "min N": the spelling table holds the words the passages
                                    hold at least N times (HSOK_SPELLING_MIN_FREQ, index.c) */

/* Words of 3 to this many bytes go into Xapian's spelling table (index.c); a query word
 * longer by more than two edits of a 4-byte character cannot be suggested from it
 * (search.c). */
#define HSOK_SPELLING_WORD_MAX 64
/* A word goes into the spelling table only if the indexed passages hold it at least this many
 * times (index.c add_spellings): words seen once, mostly typos and one-off compounds, are 61%
 * of the dev corpus's words and 74% of the 10 MB gen-corpus's (10 of its 13 MB table). */
#define HSOK_SPELLING_MIN_FREQ 2

#endif
