#!/usr/bin/env zsh
# Prints, one per line, the candidates zsh's completion system offers for a command line:
#   complete.zsh FUNCTION-DIR 'wping -n '
# zsh completes only inside its line editor, so this starts `zsh -f -i` on a pseudo-terminal
# (zsh/zpty), loads compinit with FUNCTION-DIR first in $fpath, types the line and a TAB, and
# records every word that a completion function hands to compadd and that matches what is
# typed. $WPING_ZSH_SETUP, when set, is run in that shell before the line is typed (zstyles).
# Exits 2 when the shell never finishes the completion (10 seconds).
emulate -L zsh
zmodload zsh/zpty || exit 2
(( $# == 2 )) || { print -u2 "usage: complete.zsh FUNCTION-DIR LINE"; exit 2 }

local dir=${1:A} line=$2 work
work=$(mktemp -d) || exit 2
trap 'zpty -d wping_complete 2>/dev/null; rm -rf -- $work' EXIT

# The shell under test writes its candidates and then a final END line into $work/out.
cat >$work/setup.zsh <<EOF
fpath=(${(q)dir} \$fpath)
autoload -Uz compinit && compinit -u -D
unsetopt auto_list list_ambiguous list_beep beep
$WPING_ZSH_SETUP
compadd() {
  # Internal calls that only ask for matches (-O, -A, -D) pass straight through.
  if [[ \${argv[(I)-[OAD]*]} -gt 0 ]]; then
    builtin compadd "\$@"
    return
  fi
  local -a matched
  builtin compadd -O matched "\$@"
  (( \$#matched )) && print -rl -- \$matched >>${(q)work}/out
  builtin compadd "\$@"
}
wping_complete_widget() {
  zle complete-word
  print -r -- END >>${(q)work}/out
}
zle -N wping_complete_widget
bindkey '^I' wping_complete_widget
# Typed-ahead input can be dropped until the line editor runs: say when it does.
zle-line-init() { print -r -- READY >${(q)work}/ready }
zle -N zle-line-init
EOF

zpty wping_complete zsh -f -i || exit 2

# Waits (bounded) for a file's last line to be WORD, reading the terminal so it never fills.
wait_for() {
  local file=$1 word=$2 junk
  local -a lines
  local -i tries
  for (( tries = 0; tries < 200; tries++ )); do
    [[ -f $file ]] && lines=( ${(f)"$(<$file)"} ) && [[ $lines[-1] == $word ]] && return 0
    zpty -rt wping_complete junk 2>/dev/null
    sleep 0.05
  done
  return 1
}

# The first prompt shows that the shell reads its terminal.
local prompt= chunk
local -i tries
for (( tries = 0; tries < 200 && $#prompt == 0; tries++ )); do
  zpty -rt wping_complete chunk 2>/dev/null && prompt+=$chunk
  (( $#prompt )) || sleep 0.05
done
zpty -w wping_complete "source ${(q)work}/setup.zsh"
wait_for $work/ready READY || { print -u2 "complete.zsh: the shell did not start"; exit 2 }
zpty -n -w wping_complete "$line"$'\t'
wait_for $work/out END || { print -u2 "complete.zsh: no completion finished for: $line"; exit 2 }
local -a words
words=( ${(f)"$(<$work/out)"} )
print -rl -- ${words[1,-2]}
