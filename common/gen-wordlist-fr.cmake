# Generates wordlist_fr.c, the French codename list, from the French
# Hunspell dictionary (Debian package hunspell-fr-classical,
# /usr/share/hunspell/fr.dic), so the programs need no data file at run time.
#
# The filter (tests/unit/test_codename.c checks the result against it):
#  - an entry of the dictionary, which holds lemmas (inflections come from
#    affix rules, not entries): the word before its "/" flags;
#  - lower-case ASCII letters only, 3 to 9 of them (typed on any keyboard,
#    no accents to get wrong);
#  - tagged a common noun, adjective, verb or adverb (po:nom, po:adj,
#    po:v1-3, po:adv), and not a proper noun, first name, title or any other
#    tag (po:npr, po:prn, po:patr, po:titr, ...);
#  - duplicates removed, sorted. At least 7,776 words (7 words >= 90 bits).
# cmake -DIN=fr.dic -DOUT=wordlist_fr.c -P gen-wordlist-fr.cmake
file(STRINGS "${IN}" lines ENCODING UTF-8)
set(words "")
foreach(line IN LISTS lines)
  if(NOT line MATCHES "^([a-z][a-z][a-z][a-z]?[a-z]?[a-z]?[a-z]?[a-z]?[a-z]?)(/[^ \t]*)?[ \t]")
    continue()
  endif()
  set(w "${CMAKE_MATCH_1}")
  if(NOT line MATCHES "po:(nom|adj|v[0-9]|adv)")
    continue()
  endif()
  if(line MATCHES "po:(npr|prn|patr|properobj|propersuj|titr|mg|loc|interj|nb|nbro|pfx|det|prep|prodem|ponc|sign|symb|abr)")
    continue()
  endif()
  list(APPEND words "${w}")
endforeach()
list(REMOVE_DUPLICATES words)
list(SORT words)
list(LENGTH words n)
if(n LESS 7776)
  message(FATAL_ERROR "${IN}: only ${n} French words pass the filter, 7776 needed")
endif()
set(body "")
foreach(w IN LISTS words)
  string(APPEND body "\t\"${w}\",\n")
endforeach()
file(WRITE "${OUT}" "/* Generated from the French Hunspell dictionary by gen-wordlist-fr.cmake. */\n#include \"wordlist.h\"\n\nconst char *const sd_wordlist_fr[] = {\n${body}};\nconst unsigned sd_wordlist_fr_size = ${n};\n")
