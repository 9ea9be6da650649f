/*
 * wordlist.h - the word lists embedded at build time: the EFF large word
 * list (7776 words, a-z and '-', Debian's diceware package), from which
 * English codenames and every designation are drawn, and the French
 * codename list (at least 7776 lemmas of 3 to 9 letters a-z, built from
 * Debian's French Hunspell dictionary by common/gen-wordlist-fr.cmake).
 */
#ifndef SD_WORDLIST_H
#define SD_WORDLIST_H

#define SD_WORDLIST_SIZE 7776
#define SD_WORD_MAX 9 /* longest word, in bytes */

extern const char *const sd_wordlist[SD_WORDLIST_SIZE];
extern const char *const sd_wordlist_fr[];
extern const unsigned sd_wordlist_fr_size;

#endif
