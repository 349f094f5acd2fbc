#!/usr/bin/env bash
# Prints, one per line, the candidates a bash completion script gives for a command line
# split into words, the way readline hands them over:
#   complete.bash COMPLETION-FILE WORD... CURRENT-WORD
#   complete.bash completions/wping.bash wping -n ''        -> 1 4 10 100
# It sources the file in this non-interactive shell, looks up the function registered for
# the first word (complete -p), sets COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT with the
# cursor at the end of the last word, calls the function and prints COMPREPLY.
# $WPING_COMP_WORDBREAKS, when set, replaces COMP_WORDBREAKS (to test both = conventions).
set -u
if (($# < 3)); then
    echo "usage: complete.bash COMPLETION-FILE WORD... CURRENT-WORD" >&2
    exit 2
fi
file=$1
shift

# shellcheck source=/dev/null
source "$file" || exit 2
spec=$(complete -p "$1" 2>/dev/null) || {
    echo "complete.bash: $file registers no completion for $1" >&2
    exit 2
}
function=$(sed -nE 's/.*-F ([^ ]+).*/\1/p' <<<"$spec")
if [[ -z $function ]]; then
    echo "complete.bash: the completion for $1 is not a function: $spec" >&2
    exit 2
fi
[[ -v WPING_COMP_WORDBREAKS ]] && COMP_WORDBREAKS=$WPING_COMP_WORDBREAKS

COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
COMP_TYPE=9
COMP_KEY=9
COMPREPLY=()
"$function" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" || exit 2
((${#COMPREPLY[@]} == 0)) || printf '%s\n' "${COMPREPLY[@]}"
