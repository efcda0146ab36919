/* main.c — hsok's command table and dispatch (after git.c).
 *
 * `hsok COMMAND ...` runs a command; if the first word that is not an option is not a
 * command, all the arguments are a search: `hsok --json personvern` == `hsok search --json
 * personvern`. Options given before the command word are passed on to the command.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hsok/db.h"
#include "out.h"

static int cmd_help(int argc, char **argv);

#define DB_HELP "      --db DIR        the index directory (default: $HSOK_DB, else ./index)\n"
/* for the commands that read several indexes as one (dbopen.c) */
#define SHARDS_HELP                                                                             \
    "      --db DIR        again: several indexes searched as one (DIR, or tcp:HOST:PORT\n"     \
    "                      for an index served by xapian-tcpsrv)\n"                              \
    "      --shards FILE   the indexes listed in FILE, one a line (# comments)\n"

static const cli_cmd_t commands[] = {
    {"search", cmd_search, "search the index (the default command)",
     "hsok [search] [OPTIONS] QUERY...",
     "  -n, --limit N       show at most N hits (default 10)\n"
     "      --offset N      skip the first N hits\n"
     "  -r, --respondent NAME\n"
     "                      only passages whose respondent contains NAME, any case, or is\n"
     "                      the name the alias table gives NAME (repeatable)\n"
     "  -R, --respondent-exact NAME\n"
     "                      only passages whose respondent is NAME (any case; or its\n"
     "                      alias table name); not with -r\n"
     "  -t, --theme ID      only passages tagged with theme ID (repeatable)\n"
     "      --type TYPE     only respondents of this type (repeatable): kommune,\n"
     "                      fylkeskommune, statsforvalter, helseforetak, statlig,\n"
     "                      universitet, organisasjon, fagforening, bedrift,\n"
     "                      privatperson, annet\n"
     "      --position P    only passages that state position P (repeatable): stotter,\n"
     "                      imot, delvis, endring, or ingen for none (also 'går imot' ...)\n"
     "      --with-form-text  also the hearing's form text (a form's preamble and questions,\n"
     "                      the same in several responses), which is left out by default\n"
     "      --no-collapse   every copy of a text several respondents sent (hsok copies) as\n"
     "                      a hit of its own; by default such a group is one hit, 'same\n"
     "                      text from N respondents: A, B, C' (JSON: \"copies\")\n"
     "      --json          one JSON object per hit and a final summary object\n"
     "      --color[=WHEN]  colour highlights: auto (default), always, never\n" DB_HELP SHARDS_HELP
     "\n"
     "Passages with all the query words come first, then those with some of them (write\n"
     "AND between words to require them all);\n"
     "\"quoted phrases\", -word or NOT word, a OR b, a AND b, (groups), respondent:/fra:NAME,\n"
     "section:/mål:TEXT, theme:/tema:ID, prefix* wildcards. Put -- before a query that\n"
     "starts with an option-like word. Without colour, matched words are shown as **word**.\n"
     "Counts are exact, or 'at least N' on an index of over 500,000 passages. A --respondent\n"
     "or --theme value the index does not have is an error (exit 2) naming what it has.\n"},
    {"index", cmd_index, "add or update files in the index",
     "hsok index [--db DIR] [--respondent NAME] [--type TYPE] [--manifest FILE.csv]\n"
     "                  [--force] [--prune] [--themes DIR |\n"
     "                  --no-themes] [--threshold X] [--max-size SIZE] [--follow]\n"
     "                  [--mix-samples] PATH...",
     "  -r, --respondent NAME\n"
     "                      the respondent of every file given (default: detect, or the\n"
     "                      FILE.meta sidecar line 'respondent: NAME'); either goes\n"
     "                      through the alias table ($HSOK_ALIASES, else\n"
     "                      data/respondent-aliases.tsv, else the installed one)\n"
     "      --type TYPE     the respondent type of every file given (default: the\n"
     "                      sidecar line 'type: TYPE', the manifest's, else detected from\n"
     "                      the name): kommune, fylkeskommune, statsforvalter,\n"
     "                      helseforetak, statlig, universitet, organisasjon,\n"
     "                      fagforening, bedrift, privatperson, annet\n"
     "      --manifest FILE.csv\n"
     "                      respondent and type per file: a CSV file with a header row\n"
     "                      naming the columns file, respondent and type (',' or ';'\n"
     "                      separated, RFC 4180 quotes); a file's path is relative to the\n"
     "                      manifest's folder, or its name alone if unique. The option\n"
     "                      and the sidecar win over it; a malformed line is an error\n"
     "                      (exit 2) before anything is indexed\n"
     "  -f, --force         re-index files even if unchanged\n"
     "      --prune         remove files from the index that no longer exist\n"
     "      --themes DIR    tag passages with this codebook (default: $HSOK_THEMES, else\n"
     "                      ./themes, else the installed themes; none found: a note, and\n"
     "                      no tags)\n"
     "      --no-themes     index without themes, and without the note\n"
     "      --threshold X   tag when a theme's score reaches X (default 2)\n"
     "      --max-size SIZE skip files larger than SIZE bytes; k, M, G suffixes (default\n"
     "                      64M)\n"
     "      --follow        follow symbolic links that lead out of a directory given\n"
     "      --mix-samples   add your files to an index that holds the bundled samples of\n"
     "                      seeds/ (or the samples to one that holds your files); refused\n"
     "                      without it (exit 2), since every count would include them\n" DB_HELP
     "\n"
     "Directories are searched recursively for *.txt, *.pdf, *.docx, *.odt and *.eml files,\n"
     "any case (the format is told by content); hidden entries are passed over. Every other\n"
     "file found is named on stderr as skipped, with what to do (a .doc, .rtf or .msg: convert\n"
     "it), except the *.meta sidecars; a file named on the command line is read whatever its\n"
     "name. A PDF without a text layer ('needs OCR') or with a password is skipped; a page\n"
     "without text is a warning ('hsok: 'x.pdf': page 3: no text layer; needs OCR'). FIFOs,\n"
     "devices and sockets are skipped, never opened. When files were skipped or failed, a\n"
     "last line counts them by kind and the exit status is 4. Ctrl-C or SIGTERM stops after\n"
     "the file in hand and saves the finished files (exit 130/143); the same command again\n"
     "does the rest.\n"
     "\n"
     "After the files, the hearing's form text is marked across the whole index: a passage\n"
     "whose text (numbering, case, spacing, punctuation aside) stands in the responses of two\n"
     "or more respondents and is a question followed by different answers, a preamble before\n"
     "a form's questions, or outside the questions in 90% of the files (3 or more).\n"
     "Searches, themes and exports leave it out (--with-form-text shows it); the same\n"
     "opinion sent by several respondents is not form text and counts once per respondent.\n"},
    {"show", cmd_show, "show a passage by id, or a whole response",
     "hsok show [--context N] [--json] [--db DIR] ID\n"
     "       hsok show --file PATH | --respondent NAME [--with-form-text] [--json] [--db DIR]",
     "  -C, --context N     also show N passages before and after (default 0)\n"
     "  -f, --file PATH     the whole response in the file PATH: its path as indexed, another\n"
     "                      path to the same file, or its file name when one file has it\n"
     "  -r, --respondent NAME\n"
     "                      the whole response of respondent NAME (the whole name, or a part\n"
     "                      of it that one respondent's name holds), all its files\n"
     "      --with-form-text  also the hearing's form text, left out by default\n"
     "      --json          one JSON object per passage (\"target\" marks ID); with --file\n"
     "                      or --respondent, JSON lines in document order: the passages (as\n"
     "                      search's JSON, type \"passage\") and the form answers (type\n"
     "                      \"stance\")\n"
     "      --color[=WHEN]  bold the target and the headings: auto (default), always, never\n"
     DB_HELP SHARDS_HELP
     "\n"
     "A whole response is shown in document order: who wrote it and the file, each section\n"
     "heading once where it changes, each passage with its id, page (\"s. 3\", from a PDF\n"
     "or text with page breaks) and themes, and the checkbox answers where they stand. An\n"
     "unknown file or respondent is a usage error (exit 2) that suggests the nearest.\n"},
    {"stats", cmd_stats, "show what the index holds",
     "hsok stats [--json] [--db DIR]",
     "      --json          one JSON object\n" DB_HELP SHARDS_HELP
     "\n"
     "Files, passages, respondents with their passage counts (and the passages with no\n"
     "respondent, and the files where none was found), terms and the size on disk.\n"},
    {"respondents", cmd_respondents, "each file's respondent and type, and which to check",
     "hsok respondents [--json] [--doubtful] [--db DIR]",
     "      --json          JSON lines: file, respondent, respondent_how, type, type_how,\n"
     "                      passages, check, reasons; then files, respondents, to_check\n"
     "      --doubtful      only the ones to check\n" DB_HELP SHARDS_HELP
     "\n"
     "One line per file and respondent: the respondent and its type, what found each\n"
     "(respondent: option, sidecar, manifest, title, header, by line, letterhead,\n"
     "possessive, signature, text, mailbox, signer; type: option, sidecar, manifest, alias\n"
     "table, name) and the passages. Lines marked 'check' come first: no respondent, one\n"
     "found only from a name under the closing (signer) or an e-mail's sender (mailbox), a\n"
     "type unknown or guessed from the name. Fix them with a FILE.meta sidecar\n"
     "('respondent: NAME', 'type: TYPE'), 'hsok index --manifest FILE.csv' or the alias\n"
     "table. Last line: N files, M respondents, K to check.\n"},
    {"copies", cmd_copies, "texts several respondents sent in the same words (campaigns)",
     "hsok copies [--json] [--db DIR]",
     "      --json          one JSON object per group: group, similarity, respondents,\n"
     "                      passages (id, respondent, source, line, similarity), text;\n"
     "                      then groups, passages\n" DB_HELP SHARDS_HELP
     "\n"
     "Groups of passages that stand, identical or nearly so, in the responses of two or\n"
     "more respondents: a campaign letter, an association's template. Two passages are\n"
     "copies when their 3-word shingles (case, punctuation and numbering ignored) have a\n"
     "Jaccard similarity of 0.5 or more, or 80% of the shorter's lie in the longer, which\n"
     "has at most 30 more (a sentence added), with a Jaccard similarity of 0.4 or more.\n"
     "A group is a passage and its copies, from two or more respondents; a passage's\n"
     "similarity is to that first passage, the group's the lowest. Passages under 15\n"
     "words and form text take no part. 'hsok index' finds the groups after every run. A\n"
     "search shows a group as one hit ('same text from N respondents: ...'; --no-collapse\n"
     "shows every copy); themes and exports count each copy once per respondent and say\n"
     "how many are copies. Exit code 1 when there are none.\n"},
    {"check", cmd_check, "check the index for damage",
     "hsok check [--json] [--db DIR]",
     "      --json          one JSON object: index, sound, passages, problem, report\n" DB_HELP
     "\n"
     "Runs Xapian's consistency check over every table of the index and checks that\n"
     "every passage is stored. Prints \"index 'DIR' is sound (N passages)\" and exits 0,\n"
     "or says what is damaged and exits 3: then delete the index and run 'hsok index'\n"
     "again with the same files. Writes nothing and takes no lock.\n"},
    {"themes", cmd_themes, "the theme index: who says what about each theme",
     "hsok themes [--json] [-r NAME]... [-R NAME]... [--type TYPE]... [--with-form-text]\n"
     "                   [--position P]... [--by type] [--db DIR] [THEME]\n"
     "       hsok themes --check [--json] [--codes FILE] [--db DIR]",
     "  -r, --respondent NAME\n"
     "                      only respondents whose name contains NAME (repeatable)\n"
     "  -R, --respondent-exact NAME\n"
     "                      only the respondent NAME, any case (repeatable; not with -r)\n"
     "      --type TYPE     only respondents of this type (repeatable): kommune,\n"
     "                      fylkeskommune, statsforvalter, helseforetak, statlig,\n"
     "                      universitet, organisasjon, fagforening, bedrift,\n"
     "                      privatperson, annet\n"
     "      --position P    only passages that state position P (repeatable): stotter,\n"
     "                      imot, delvis, endring, or ingen for none\n"
     "      --with-form-text  also count the hearing's form text (left out by default)\n"
     "      --by type       per theme the respondents of each type with the theme, out of\n"
     "                      all of the type: \"personvern: 11 of 14 kommuner, 3 of 5\n"
     "                      helseforetak\" (instead of the respondent table; no THEME)\n"
     "      --json          one JSON object per theme (with by_type and by_position), then\n"
     "                      the matrix\n"
     "  -n, --limit N       with THEME: at most N passages per respondent (default all)\n"
     "      --check         how well the automatic tagger agrees with the manual codes\n"
     "                      ('hsok code'): per coded theme tp, fp, fn, precision, recall;\n"
     "                      a +THEME is a positive, a -THEME on a tagged passage a false\n"
     "                      positive; no codes: exit 1\n"
     "      --codes FILE    the manual codes file (default: $HSOK_CODES, else\n"
     "                      INDEX.codes.tsv beside the index); with THEME, a passage\n"
     "                      whose theme was removed by hand says so\n"
     "      --color[=WHEN]  auto (default), always, never\n" DB_HELP SHARDS_HELP
     "\n"
     "Without THEME: per theme the passages (and of them the unsure ones: below twice the\n"
     "threshold, or from context) and respondents, the respondents by type, and a\n"
     "respondent x theme table of passage counts (--by type: per theme and type). With THEME:\n"
     "its passages grouped by respondent, with the evidence.\n"},
    {"tag", cmd_tag, "show the themes of the passages of files, without indexing",
     "hsok tag [--themes DIR] [--threshold X] [--all] [--json] FILE...",
     "      --themes DIR    the codebook (default: $HSOK_THEMES, else ./themes, else the\n"
     "                      installed themes)\n"
     "      --threshold X   tag when a theme's score reaches X (default 2)\n"
     "      --all           also list passages without themes\n"
     "      --json          one JSON object per passage\n"
     "  -r, --respondent NAME\n"
     "                      the respondent of every file given\n"
     "      --color[=WHEN]  highlight the evidence: auto (default), always, never\n"
     "\n"
     "A theme marked '?' is unsure: the passage's own words reach less than twice the\n"
     "threshold, or it came from the passage next to it.\n"},
    {"retag", cmd_retag, "re-tag every passage after a codebook change",
     "hsok retag [--themes DIR] [--threshold X] [--db DIR]",
     "      --themes DIR    the codebook (default: $HSOK_THEMES, else ./themes, else the\n"
     "                      installed themes)\n"
     "      --threshold X   tag when a theme's score reaches X (default 2)\n" DB_HELP
     "\n"
     "Reads the passages from the index; the source files are not needed. One\n"
     "transaction: stopped by Ctrl-C, it saves nothing and the index keeps its tags.\n"},
    {"code", cmd_code, "code passages by hand: +THEME adds a theme, -THEME removes it",
     "hsok code [--note TEXT] [--codes FILE] [--db DIR] ID... +THEME|-THEME...\n"
     "       hsok code --query QUERY [--yes] [--note TEXT] [--codes FILE] [--db DIR]\n"
     "                 +THEME|-THEME...\n"
     "       hsok code --review [--query QUERY] [--note TEXT] [--codes FILE] [--db DIR]\n"
     "                 [THEME...]\n"
     "       hsok code --list|--check [--json] [--codes FILE] [--db DIR]",
     "      --note TEXT     a note kept with each code given (default: keep the old one)\n"
     "      --query QUERY   code every passage the query matches (form text aside); more\n"
     "                      than 20 only with --yes\n"
     "  -y, --yes           code all the passages --query matches\n"
     "      --list          list the codes; mark those whose passage is no longer in the\n"
     "                      index\n"
     "      --check         how well the automatic tagger agrees with the codes (as\n"
     "                      'hsok themes --check')\n"
     "      --review        settle the unsure automatic tags (of THEME..., default all; on\n"
     "                      the passages --query matches) one by one: each is shown with\n"
     "                      its evidence and why it is unsure; answer y (code +THEME), n\n"
     "                      (code -THEME), s (skip) or q (quit) on standard input; each\n"
     "                      answer is saved at once; tags settled by hand are not asked\n"
     "      --color[=WHEN]  with --review, highlight the evidence: auto (default), always,\n"
     "                      never\n"
     "      --json          JSON lines for --list and --check\n"
     "      --codes FILE    the codes file (default: $HSOK_CODES, else the index directory's\n"
     "                      path with '.codes.tsv' added: ./index.codes.tsv)\n" DB_HELP
     "\n"
     "Codes live in a plain tab-separated file beside the index, never in it, sorted and one\n"
     "a line (file name, text hash, id, +/-theme, date, note): 'index --force', 'retag' and a\n"
     "rebuilt index keep them. A code points at its passage by the file's name and the\n"
     "passage's text, so it follows the passage when ids change. Search, themes and export\n"
     "apply them: a +THEME shows as manual, a -THEME hides the automatic tag for good. A\n"
     "theme the index does not know is an error (exit 2); an unknown ID exits 1 and nothing\n"
     "is written. A code whose passage is gone stays in the file and is counted by --list\n"
     "and --check.\n"},
    {"export", cmd_export, "write tagged passages as CSV, JSON lines, Markdown, HTML or Excel",
     "hsok export --format csv|jsonl|md|html|xlsx [--theme ID]... [--respondent NAME]...\n"
     "                   [--type TYPE]... [--position P]... [--query Q] [--all] [--excel]\n"
     "                   [--title T] [--manifest FILE.csv] [-o FILE [--force]]\n"
     "                   [--db DIR]",
     "      --format FMT    csv, jsonl, md, html or xlsx (required, unless -o FILE ends\n"
     "                      in .csv, .jsonl, .json, .md, .html or .xlsx, any case;\n"
     "                      xlsx only to a file: -o FILE.xlsx)\n"
     "  -t, --theme ID      only passages tagged with theme ID (repeatable: any of them)\n"
     "  -r, --respondent NAME\n"
     "                      only passages whose respondent contains NAME (repeatable)\n"
     "  -R, --respondent-exact NAME\n"
     "                      only passages whose respondent is NAME, any case (repeatable;\n"
     "                      not with -r)\n"
     "      --type TYPE     only respondents of this type (repeatable): kommune,\n"
     "                      fylkeskommune, statsforvalter, helseforetak, statlig,\n"
     "                      universitet, organisasjon, fagforening, bedrift,\n"
     "                      privatperson, annet\n"
     "      --position P    only passages that state position P (repeatable): stotter,\n"
     "                      imot, delvis, endring, or ingen for none\n"
     "  -q, --query Q       only passages matching the query Q (search syntax)\n"
     "  -a, --all           every selected passage, tagged or not (default: only passages\n"
     "                      with at least one theme)\n"
     "      --with-form-text  also the hearing's form text (a form's preamble and questions,\n"
     "                      the same in several responses), which is left out by default\n"
     "      --excel         csv: start with a UTF-8 byte order mark for Excel\n"
     "      --title T       md/html: the report's title (default \"Utdrag fra høringssvar\")\n"
     "      --manifest FILE.csv\n"
     "                      html: link each citation to its document's address, from the\n"
     "                      url column of the manifest the files were indexed with\n"
     "  -o, --output FILE   write to FILE instead of stdout; FILE appears only when the\n"
     "                      export is complete\n"
     "      --force         replace FILE if it exists: only a regular file, keeping its\n"
     "                      mode (a link, FIFO, device or directory: exit 2, untouched)\n"
     DB_HELP SHARDS_HELP
     "\n"
     "csv: RFC 4180 with CRLF line ends and a header row (id, respondent, section, themes,\n"
     "evidence, source, line, text, respondent_type, page, end_page: the pages are empty\n"
     "when the source has none); a cell starting with = + - @ TAB or CR gets a leading '\n"
     "so spreadsheets do not run it as a formula. jsonl: one JSON object per passage\n"
     "(format_version 1; page and end_page only from a source with pages). md: a report\n"
     "with the passages grouped by theme and respondent, a respondent x theme overview,\n"
     "per theme the respondents by type (\"2 av 3 kommuner\", as 'hsok themes --by type')\n"
     "and the checkbox answers; a passage from a source with pages cites them\n"
     "('Respondent, s. 3'). html: a report for leadership in one self-contained file (no\n"
     "scripts, no network requests): an overview with charts (respondents by type, themes\n"
     "by type, positions per theme), per theme at most 5 chosen quotes cited 'Respondent\n"
     "(type), s. 3', and as appendices the matrix and every passage once with all its\n"
     "themes; it fits A4 portrait and landscape. xlsx: a workbook with the sheets Utdrag\n"
     "(one row per passage with its citation and position), Tema og respondent\n"
     "(respondent x theme counts) and Standpunkt (per theme and position); frozen headers,\n"
     "filters, every value a text or number cell, never a formula.\n"
     "\n"
     "When no passage matches, the (empty) document is still written, 'no passages match'\n"
     "is printed on stderr and the exit status is 1.\n"},
    {"serve", cmd_serve, "a web view of the index in the browser, on this machine",
     "hsok serve [--port N] [--read-only] [--codes FILE] [--manifest FILE.csv]\n"
     "           [--db DIR]\n"
     "       hsok serve --listen ADDR [--token T] [--port N] [--read-only] [--db DIR]",
     "      --port N        the port (default 8731; 0: a free one); the URL is printed on\n"
     "                      stdout: 'hsok: serving http://127.0.0.1:PORT/ ...'\n"
     "      --listen ADDR   listen on ADDR (0.0.0.0, a LAN address, ::) instead of\n"
     "                      127.0.0.1: every request then needs the token\n"
     "      --token T       the token (16-64 letters, digits, - . _ ~); without it --listen\n"
     "                      makes one and prints it once, in the URL\n"
     "      --read-only     coding is off (it is also off while 'hsok index' holds the\n"
     "                      index)\n"
     "      --codes FILE    the manual codes file (as 'hsok code')\n"
     "      --manifest FILE.csv\n"
     "                      its url column links the report's citations to the original\n"
     "                      documents (as 'hsok export --manifest')\n" DB_HELP
     "\n"
     "Pages: search (the query language of 'hsok search', filters by theme, respondent,\n"
     "type, position, section and file), the respondent x theme matrix, a whole response\n"
     "with pages and themes, coding a passage (+/- theme, note: the file 'hsok code'\n"
     "writes) and downloads of the exports (csv, jsonl, md, html, xlsx). Nothing is sent\n"
     "anywhere: no scripts, fonts or styles from other sites. Ctrl-C stops the server.\n"
     "A busy port is an error (exit 3).\n"},
    {"help", cmd_help, "show help for hsok or for a command", "hsok help [COMMAND]", ""},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

const cli_cmd_t *cli_find_cmd(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

void cli_cmd_help(const cli_cmd_t *cmd)
{
    printf("usage: %s\n\n%s.\n", cmd->usage, cmd->summary);
    if (cmd->options[0] != '\0')
        printf("\noptions:\n%s", cmd->options);
}

static void general_help(FILE *f)
{
    fputs("usage: hsok [--db DIR] COMMAND [OPTIONS] [ARGS]\n"
          "       hsok [OPTIONS] QUERY...          (same as 'hsok search')\n"
          "       hsok --help | --version\n"
          "\n"
          "Search Norwegian consultation responses (høringssvar).\n"
          "\n"
          "commands:\n",
          f);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fputs("\n"
          "Run 'hsok COMMAND --help' for a command's options; 'man hsok' for the query syntax.\n"
          "Commands that use the index take --db DIR (default: $HSOK_DB, else ./index).\n"
          "search, themes, export, respondents, stats, show and copies read several indexes\n"
          "as one: --db given more than once (a DIR or tcp:HOST:PORT, an index served by\n"
          "xapian-tcpsrv), or --shards FILE (one index a line).\n"
          "Without colour (NO_COLOR set, or output not a terminal), matched words are\n"
          "shown as **word**.\n"
          "\n"
          "exit status: 0 ok, 1 no result or not found, 2 usage error, 3 error (index\n"
          "missing, locked, read-only or damaged, I/O),\n"
          "4 index: some files were skipped or failed,\n"
          "130/143 index stopped by Ctrl-C/SIGTERM after saving the finished files.\n",
          f);
}

static int cmd_help(int argc, char **argv)
{
    if (argc < 2) {
        general_help(stdout);
        return CLI_OK;
    }
    if (argc > 2)
        return cli_usage_error("help", "too many arguments");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        cli_cmd_help(cli_find_cmd("help"));
        return CLI_OK;
    }
    const cli_cmd_t *cmd = cli_find_cmd(argv[1]);
    if (cmd == NULL) {
        cli_error("unknown command '%s'; see 'hsok --help'", argv[1]);
        return CLI_USAGE;
    }
    cli_cmd_help(cmd);
    return CLI_OK;
}

const char *cli_strerror(int e)
{
    static char reason[128];
    snprintf(reason, sizeof reason, "%s", strerror(e));
    if (reason[0] >= 'A' && reason[0] <= 'Z' && !(reason[1] >= 'A' && reason[1] <= 'Z'))
        reason[0] = (char)(reason[0] - 'A' + 'a');
    return reason;
}

/* "hsok: " and the message, after what is already on stdout; no newline. Messages quote
 * paths, names and words from documents (also those from the library), so the whole message
 * goes through out_safe: no control character of theirs reaches the terminal. */
static void verror(const char *fmt, va_list ap)
{
    fflush(stdout);
    fputs("hsok: ", stderr);
    out_safe_vprintf(stderr, fmt, ap);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verror(fmt, ap);
    va_end(ap);
    putc('\n', stderr);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verror(fmt, ap);
    va_end(ap);
    if (cmd == NULL || strcmp(cmd, "hsok") == 0)
        fputs("; see 'hsok --help'\n", stderr);
    else
        fprintf(stderr, "; see 'hsok %s --help'\n", cmd);
    return CLI_USAGE;
}

int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts)
{
    char opts[64];
    snprintf(opts, sizeof opts, ":%s", shortopts);
    opterr = 0;
    int c = getopt_long(argc, argv, opts, longopts, NULL);
    while ((c == CLI_OPT_DB || c == CLI_OPT_SHARDS) && cli_db_note(c, optarg) == 0 &&
           c == CLI_OPT_SHARDS) /* --shards is all cli_getopt's (dbopen.c) */
        c = getopt_long(argc, argv, opts, longopts, NULL);
    if (c != '?' && c != ':')
        return c;
    /* Name the option as the user wrote it: a short option from optopt, a long one (for
     * which optopt is 0 or its value) from the word getopt just passed. */
    const char *word = optind > 0 && optind <= argc ? argv[optind - 1] : "";
    char name[80];
    if (strncmp(word, "--", 2) == 0) {
        size_t n = strcspn(word, "=");
        snprintf(name, sizeof name, "%.*s", (int)(n < 60 ? n : 60), word);
    } else {
        snprintf(name, sizeof name, "-%c", optopt ? optopt : '?');
    }
    if (c == ':')
        cli_usage_error(argv[0], "option '%s' needs a value", name);
    else
        cli_usage_error(argv[0], "unknown option '%s'", name);
    return -2;
}

int cli_respondent_mode(const char *cmd, int exact, int *mode)
{
    if (*mode >= 0 && *mode != exact) {
        cli_usage_error(cmd, "give --respondent (-r, a part of the name) or --respondent-exact "
                        "(-R, the whole name), not both");
        return -1;
    }
    *mode = exact;
    return 0;
}

void cli_note_samples(struct hsok_db *db, const char *path)
{
    size_t samples = 0, files = 0;
    /* on every search: the files are counted only when samples are there at all */
    if (hsok_db_samples(db, &samples, NULL, NULL) != HSOK_OK || samples == 0 ||
        hsok_db_samples(db, &samples, &files, NULL) != HSOK_OK || files <= samples)
        return;
    fflush(stdout);
    cli_error("note: '%s' holds the bundled sample responses (%zu file%s from %s) beside %zu "
              "other file%s: every count includes the samples", path, samples,
              samples == 1 ? "" : "s", hsok_samples_dir(), files - samples,
              files - samples == 1 ? "" : "s");
}

int cli_parse_uint(const char *cmd, const char *opt, const char *arg, unsigned max,
                   unsigned *out)
{
    char *end;
    errno = 0;
    if (arg[0] < '0' || arg[0] > '9') {
        cli_usage_error(cmd, "invalid value '%s' for %s: expected a number", arg, opt);
        return -1;
    }
    unsigned long v = strtoul(arg, &end, 10);
    if (*end != '\0' || errno != 0 || v > max) {
        cli_usage_error(cmd, "invalid value '%s' for %s: expected a number up to %u", arg,
                        opt, max);
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

int cli_fail(hsok_status_t st, char *errmsg, int not_found_is_none)
{
    cli_error("%s", errmsg != NULL ? errmsg : hsok_status_str(st));
    free(errmsg);
    if (st == HSOK_ERR_QUERY || st == HSOK_ERR_INVALID)
        return CLI_USAGE;
    if (st == HSOK_ERR_NOT_FOUND && not_found_is_none)
        return CLI_NONE;
    return CLI_ERR;
}

/* Options that take their value in the next word, for finding the command word. */
static int takes_value(const char *opt)
{
    static const char *const with_value[] = {
        "--db", "--shards", "--limit", "-n", "--offset", "--respondent", "-r",
        "--respondent-exact", "-R",
        "--theme", "-t",
        "--context", "-C", "--themes", "--threshold", "--format", "--title", "--query", "-q",
        "--output", "-o", "--max-size",
        "--type", "--manifest",
    };
    for (size_t i = 0; i < sizeof with_value / sizeof with_value[0]; i++)
        if (strcmp(opt, with_value[i]) == 0)
            return 1;
    return 0;
}

static int finish(int rc)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "hsok: cannot write output: %s\n", cli_strerror(errno));
        return CLI_ERR;
    }
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        general_help(stderr);
        return CLI_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        general_help(stdout);
        return finish(CLI_OK);
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        printf("hsok %s\n", hsok_version());
        return finish(CLI_OK);
    }

    int i;
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i = argc;
            break;
        }
        if (argv[i][0] != '-' || argv[i][1] == '\0')
            break;
        if (takes_value(argv[i]))
            i++;
    }

    const cli_cmd_t *cmd = i < argc ? cli_find_cmd(argv[i]) : NULL;
    char **args = malloc(((size_t)argc + 1) * sizeof *args);
    if (args == NULL) {
        cli_error("out of memory");
        return CLI_ERR;
    }
    int n = 0;
    if (cmd != NULL) {
        /* argv[0] = command, then the options before it, then the rest. */
        args[n++] = (char *)cmd->name;
        for (int k = 1; k < argc; k++)
            if (k != i)
                args[n++] = argv[k];
    } else {
        cmd = cli_find_cmd("search");
        args[n++] = "hsok"; /* messages point at 'hsok --help' */
        for (int k = 1; k < argc; k++)
            args[n++] = argv[k];
    }
    args[n] = NULL;
    int rc = cmd->fn(n, args);
    free(args);
    return finish(rc);
}
