/*
 * wordlist.h - the EFF large word list (7776 words, a-z and '-'), embedded
 * at build time from Debian's diceware package. Codenames and designations
 * are drawn from it.
 */
#ifndef SD_WORDLIST_H
#define SD_WORDLIST_H

#define SD_WORDLIST_SIZE 7776
#define SD_WORD_MAX 9 /* longest word, in bytes */

extern const char *const sd_wordlist[SD_WORDLIST_SIZE];

#endif
