# Generates wordlist.c from the EFF large word list (Debian package
# "diceware"), so the programs need no data file at run time.
# cmake -DIN=wordlist_en_eff.txt -DOUT=wordlist.c -P gen-wordlist.cmake
file(STRINGS "${IN}" lines)
list(LENGTH lines n)
if(NOT n EQUAL 7776)
  message(FATAL_ERROR "${IN}: expected 7776 words, found ${n}")
endif()
set(body "")
foreach(line IN LISTS lines)
  string(REGEX REPLACE "^[1-6]+[ \t]+" "" w "${line}")
  if(NOT w MATCHES "^[a-z-]+$")
    message(FATAL_ERROR "${IN}: unexpected word '${w}'")
  endif()
  string(APPEND body "\t\"${w}\",\n")
endforeach()
file(WRITE "${OUT}" "/* Generated from the EFF large word list by gen-wordlist.cmake. */\n#include \"wordlist.h\"\n\nconst char *const sd_wordlist[SD_WORDLIST_SIZE] = {\n${body}};\n")
