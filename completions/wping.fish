# fish completion for wping(1), a ping for Linux that behaves like Windows ping.exe.
# Installed as share/fish/vendor_completions.d/wping.fish. The / spellings of the options
# mean the same as -x and are not offered.

# Interface and VRF names for -c: the network namespace's /sys/class/net.
function __wping_interfaces
    for entry in /sys/class/net/*
        string replace -r '.*/' '' -- $entry
    end
end

# The family the command line forces so far (the later of -4 and -6 wins): inet, inet6 or
# nothing.
function __wping_family
    set -l family
    for token in (commandline -opc)[2..-1]
        switch $token
            case -4 /4 --ipv4
                set family inet
            case -6 /6 --ipv6
                set family inet6
        end
    end
    echo $family
end

# Local addresses for -S from `ip -o addr`, of the family the line forces. An IPv6 link-local
# address gets its interface as the scope (fe80::1%eth0), which -S needs.
function __wping_addresses
    set -l family (__wping_family)
    ip -o addr show 2>/dev/null | while read -l -a fields
        test (count $fields) -ge 4; or continue
        contains -- $fields[3] inet inet6; or continue
        test -z "$family" -o "$fields[3]" = "$family"; or continue
        set -l address (string replace -r '/.*' '' -- $fields[4])
        set -l scope
        for i in (seq 5 (math (count $fields) - 1))
            test "$fields[$i]" = scope; and set scope $fields[(math $i + 1)]
        end
        if test $fields[3] = inet6 -a "$scope" = link
            set address $address%(string replace -r '@.*' '' -- $fields[2])
        end
        echo $address
    end
end

# The target (and the hosts after -j/-k): host names, never files.
complete -c wping -f -a '(__fish_print_hostnames)'

complete -c wping -s t -l forever -d 'Ping until stopped (Control-\\ shows statistics)'
complete -c wping -s a -l resolve -d 'Resolve addresses to host names'
complete -c wping -s n -l count -x -a '1 4 10 100' -d 'Number of echo requests to send'
complete -c wping -s l -l size -x -a '0 32 64 512 1472 8192 65500' -d 'Send buffer size (0-65500)'
complete -c wping -s f -l dont-fragment -d "Set Don't Fragment (IPv4 only)"
complete -c wping -s i -l ttl -x -a '1 2 8 32 64 128 255' -d 'Time to live (1-255)'
complete -c wping -s v -l tos -x -a '0 4 8 16 32 184' -d 'Type of service byte (IPv4 only)'
complete -c wping -s r -l record-route -x -a '1 2 3 4 5 6 7 8 9' -d 'Record route for count hops (IPv4 only)'
complete -c wping -s s -l ip-timestamp -x -a '1 2 3 4' -d 'Timestamp for count hops (IPv4 only)'
complete -c wping -s j -l loose-route -x -a '(__fish_print_hostnames)' -d 'Loose source route along the following hosts (IPv4 only)'
complete -c wping -s k -l strict-route -x -a '(__fish_print_hostnames)' -d 'Strict source route along the following hosts (IPv4 only)'
complete -c wping -s w -l timeout -x -a '200 500 1000 4000 10000' -d 'Timeout for each reply in milliseconds'
complete -c wping -s R -l reverse-route -d 'IPv6 routing header (accepted, no effect on Linux)'
complete -c wping -s S -l source -x -a '(__wping_addresses)' -d 'Source address to use'
complete -c wping -s c -l compartment -x -a '(__wping_interfaces)' -d 'Interface or VRF to send from'
complete -c wping -l interface -x -a '(__wping_interfaces)' -d 'Interface or VRF to send from'
complete -c wping -s p -l provider -d 'Hyper-V provider address (not supported on Linux)'
complete -c wping -s 4 -l ipv4 -n 'not __fish_contains_opt -s 6 ipv6' -d 'Force IPv4'
complete -c wping -s 6 -l ipv6 -n 'not __fish_contains_opt -s 4 ipv4' -d 'Force IPv6'
complete -c wping -s '?' -l help -d 'Print the usage'
complete -c wping -l version -d 'Print the version'
complete -c wping -l format -x -a 'text json' -d 'Output format (json: JSON Lines)'
complete -c wping -l json -d 'JSON Lines output, the same as --format=json'
complete -c wping -l timestamp -d 'Local date and time before each reply line'
complete -c wping -l quiet -d 'Only the header and the statistics'
complete -c wping -l interval -x -a '0 2 10 100 200 1000' -d 'Milliseconds between requests'
complete -c wping -l deadline -x -a '1 5 10 60 300' -d 'Stop after this many seconds'
complete -c wping -l require -x -a 'any all 1 2 3' -d 'Echo replies needed for exit status 0'
complete -c wping -l max-loss -x -a '0 1 5 10 25 50' -d 'Exit status 1 above this loss percent'
complete -c wping -l mtu -d 'Find the path MTU with Don'"'"'t Fragment probes'
complete -c wping -l traceroute -d 'Trace the route as tracert.exe does'
complete -c wping -l max-hops -x -a '5 10 15 30 64' -d 'Maximum number of hops with --traceroute'
complete -c wping -l targets -x -a '(__fish_print_hostnames) @-' -d 'Ping many hosts at once: host,host,... or @FILE or @-'
complete -c wping -l pace -x -a '0 0.1 1 10' -d 'Least milliseconds between any two sends'
complete -c wping -l targets-required -x -a '1 2 10 100' -d 'Targets that must pass for exit status 0'
