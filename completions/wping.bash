# bash completion for wping(1), a ping for Linux that behaves like Windows ping.exe.
# Installed as share/bash-completion/completions/wping, where bash-completion loads it on
# demand. It needs nothing from bash-completion: with the package loaded it borrows its host
# list, without it bash's own list (the file in $HOSTFILE, else /etc/hosts) is used.

# Options of `wping --help`. The / spellings are not offered: they mean the same as -x.
_wping_short_options='-t -a -n -l -f -i -v -r -s -j -k -w -R -S -c -p -4 -6 -?'
_wping_long_options='--forever --resolve --count= --size= --dont-fragment --ttl= --tos=
    --record-route= --ip-timestamp= --loose-route= --strict-route= --timeout=
    --reverse-route --source= --compartment= --interface= --provider --ipv4 --ipv6
    --help --version --format= --json --timestamp --quiet --interval= --deadline= --require=
    --max-loss= --mtu --traceroute --max-hops= --targets= --pace= --targets-required='

# Interface and VRF names for -c, one per line: the network namespace's /sys/class/net.
_wping_interfaces() {
    local entry
    for entry in /sys/class/net/*; do
        [[ -e $entry ]] && printf '%s\n' "${entry##*/}"
    done
}

# Local addresses for -S, one per line: FAMILY is 4, 6 or empty for both. An IPv6
# link-local address gets its interface as the scope (fe80::1%eth0), which -S needs.
_wping_addresses() {
    local family=$1 index name kind address scope i
    local -a fields
    while read -r -a fields; do
        index=${fields[0]} name=${fields[1]} kind=${fields[2]} address=${fields[3]%/*}
        [[ $index == *: && -n $address ]] || continue
        case $kind in
        inet) [[ $family == 6 ]] && continue ;;
        inet6) [[ $family == 4 ]] && continue ;;
        *) continue ;;
        esac
        scope=
        for ((i = 4; i < ${#fields[@]} - 1; i++)); do
            [[ ${fields[i]} == scope ]] && scope=${fields[i + 1]}
        done
        if [[ $kind == inet6 && $scope == link ]]; then
            address+="%${name%%@*}"
        fi
        printf '%s\n' "$address"
    done < <(ip -o addr show 2>/dev/null)
}

# The family the command line asks for so far: 4, 6 or empty.
_wping_family() {
    local word family='' i
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        case $word in
        -4 | /4 | --ipv4) family=4 ;;
        -6 | /6 | --ipv6) family=6 ;;
        esac
    done
    printf '%s' "$family"
}

# Candidates for the value of OPTION that start with CUR, one per line. Returns 1 when
# OPTION takes no value.
_wping_values() {
    local option=$1 cur=$2
    case $option in
    -n | /n | --count) compgen -W '1 4 10 100' -- "$cur" ;;
    -l | /l | --size) compgen -W '0 32 64 512 1472 8192 65500' -- "$cur" ;;
    -i | /i | --ttl) compgen -W '1 2 8 32 64 128 255' -- "$cur" ;;
    -v | /v | --tos) compgen -W '0 4 8 16 32 184' -- "$cur" ;;
    -r | /r | --record-route) compgen -W '1 2 3 4 5 6 7 8 9' -- "$cur" ;;
    -s | /s | --ip-timestamp) compgen -W '1 2 3 4' -- "$cur" ;;
    -w | /w | --timeout) compgen -W '200 500 1000 4000 10000' -- "$cur" ;;
    -c | /c | --compartment | --interface) compgen -W "$(_wping_interfaces)" -- "$cur" ;;
    -S | /S | --source) compgen -W "$(_wping_addresses "$(_wping_family)")" -- "$cur" ;;
    -j | /j | --loose-route | -k | /k | --strict-route) _wping_hosts "$cur" ;;
    --format) compgen -W 'text json' -- "$cur" ;;
    --interval) compgen -W '0 2 10 100 200 1000' -- "$cur" ;;
    --deadline) compgen -W '1 5 10 60 300' -- "$cur" ;;
    --require) compgen -W 'any all 1 2 3' -- "$cur" ;;
    --max-loss) compgen -W '0 1 5 10 25 50' -- "$cur" ;;
    --max-hops) compgen -W '5 10 15 30 64' -- "$cur" ;;
    --targets) _wping_target_list "$cur" ;;
    --pace) compgen -W '0 0.1 1 10' -- "$cur" ;;
    --targets-required) compgen -W '1 2 10 100' -- "$cur" ;;
    *) return 1 ;;
    esac
    return 0
}

# A --targets value that starts with CUR: @- and @FILE names, or the hosts after the last
# comma of a list typed so far.
_wping_target_list() {
    local cur=$1 head=''
    if [[ $cur == @* ]]; then
        printf '%s\n' '@-'
        compgen -f -- "${cur#@}" | sed 's/^/@/'
        return 0
    fi
    [[ $cur == *,* ]] && head=${cur%,*},
    _wping_hosts "${cur##*,}" | sed "s/^/$head/"
    return 0
}

# Host names that start with CUR, one per line.
_wping_hosts() {
    if declare -F _known_hosts_real >/dev/null; then
        local -a COMPREPLY=()
        _known_hosts_real -- "$1"
        ((${#COMPREPLY[@]})) && printf '%s\n' "${COMPREPLY[@]}"
    else
        compgen -A hostname -- "$1"
    fi
    return 0
}

_wping() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev='' prefix='' option
    local -a candidates=()
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}

    # With = in COMP_WORDBREAKS (bash's default) "--count=4" arrives as three words,
    # --count, = and 4; without it as one word, whose --count= part must be kept in every
    # candidate because readline replaces the whole word.
    if [[ $cur == = && $prev == --* ]]; then
        option=$prev cur=
    elif [[ $prev == = && $COMP_CWORD -ge 2 && ${COMP_WORDS[COMP_CWORD - 2]} == --* ]]; then
        option=${COMP_WORDS[COMP_CWORD - 2]}
    elif [[ $cur == --*=* ]]; then
        option=${cur%%=*} prefix=${cur%%=*}= cur=${cur#*=}
    else
        option=$prev
    fi

    local values
    if values=$(_wping_values "$option" "$cur"); then
        [[ -n $values ]] && mapfile -t candidates <<<"$values"
        COMPREPLY=("${candidates[@]/#/$prefix}")
        return 0
    fi

    case $cur in
    --*) mapfile -t candidates < <(compgen -W "$_wping_long_options" -- "$cur") ;;
    -*) mapfile -t candidates < <(compgen -W "$_wping_short_options $_wping_long_options" -- "$cur") ;;
    *) mapfile -t candidates < <(_wping_hosts "$cur") ;;
    esac
    COMPREPLY=("${candidates[@]}")
    # A long option that takes a value is offered as --name=: no space after it.
    if [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]]; then
        compopt -o nospace 2>/dev/null
    fi
    return 0
}

complete -F _wping wping
