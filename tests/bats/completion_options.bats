#!/usr/bin/env bats
# Every option that `wping --help` lists is completed by all three shells, and no other: the
# options are parsed from the help of the wping under test, so an option added to the parser
# and its help without completions fails here. The files are checked as text (always) and
# through each shell's completion engine (bash always, zsh and fish when installed).

# shellcheck source=../install/common.bash
source "${WPING_SOURCE_DIR:?}/tests/install/common.bash"

setup_file() {
    if [[ ! -x ${WPING:-} ]]; then
        echo "WPING must be the path of the wping binary under test" >&2
        return 1
    fi
}

# Every option of the help, sorted: short ones, then long ones.
help_options() {
    help_short_options
    help_long_options
}

# Prints the options of the help that PATTERN-FUNCTION does not find in FILE.
missing_in() {
    local file=$1 pattern=$2 option
    while read -r option; do
        grep -qE -- "$("$pattern" "$option")" "$file" || echo "$option"
    done < <(help_options)
}

# An option as a regular expression (only ? needs escaping among option characters).
option_re() {
    printf '%s' "${1//\?/\\?}"
}

# bash: a word of the option lists, long options taking a value end in =.
bash_pattern() {
    printf "(^|[' ])%s(=|[' ]|\$)" "$(option_re "$1")"
}

# zsh: an option spec of _arguments ({-n+,--count=}'[...]' or '(- *)--version[...]'), never
# only a name in an exclusion list.
zsh_pattern() {
    printf "[{,')]%s[]+=,}[']" "$(option_re "$1")"
}

# fish: complete -c wping ... -s X or -l name.
fish_pattern() {
    if [[ $1 == --* ]]; then
        printf -- "^complete -c wping .*-l %s( |\$)" "${1#--}"
    else
        printf -- "^complete -c wping .*-s '?%s'?( |\$)" "$(option_re "${1#-}")"
    fi
}

@test "the help of the wping under test parses into its short and long options" {
    assert_help_parsed
}

@test "every option of --help is written in the bash completion file" {
    assert_help_parsed
    run missing_in "$COMPLETIONS/wping.bash" bash_pattern
    assert_success
    assert_output ""
}

@test "every option of --help is written in the zsh completion file" {
    assert_help_parsed
    run missing_in "$COMPLETIONS/_wping" zsh_pattern
    assert_success
    assert_output ""
}

@test "every option of --help is written in the fish completion file" {
    assert_help_parsed
    run missing_in "$COMPLETIONS/wping.fish" fish_pattern
    assert_success
    assert_output ""
}

@test "bash offers exactly the options of --help for - (long ones taking a value as --name=)" {
    assert_help_parsed
    run --separate-stderr bash_candidates wping -
    assert_success
    assert_equal "$stderr" ""
    assert_equal "$(sed 's/=$//' <<<"$output" | sort -u)" "$(help_options | sort -u)"
}

@test "bash offers exactly the long options of --help for --" {
    run --separate-stderr bash_candidates wping --
    assert_success
    assert_equal "$(sed 's/=$//' <<<"$output" | sort)" "$(help_long_options)"
}

@test "zsh offers exactly the options of --help for -" {
    require_shell zsh
    assert_help_parsed
    run --separate-stderr zsh_candidates 'wping -'
    assert_success
    assert_equal "$stderr" ""
    assert_equal "$output" "$(help_options | sort -u)"
}

@test "zsh offers exactly the long options of --help for --" {
    require_shell zsh
    run --separate-stderr zsh_candidates 'wping --'
    assert_success
    assert_equal "$output" "$(help_long_options)"
}

@test "fish offers exactly the options of --help for -" {
    require_shell fish
    assert_help_parsed
    run --separate-stderr fish_candidates 'wping -'
    assert_success
    assert_equal "$stderr" ""
    assert_equal "$output" "$(help_options | sort -u)"
}

@test "fish offers exactly the long options of --help for --" {
    require_shell fish
    run --separate-stderr fish_candidates 'wping --'
    assert_success
    assert_equal "$output" "$(help_long_options)"
}
