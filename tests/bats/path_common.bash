# shellcheck shell=bash
# Shared by path_mtu.bats and path_trace.bats: the JSON checker and a fresh router chain
# (tests/lab/lab.bash, lab_chain_create) with datagram ICMP sockets for each test.

load json_common

setup_file() { json_setup_file; }
setup() {
    lab_chain_create
    lab_socket_kind dgram
}
teardown() {
    wping_teardown
    json_teardown
}

# The address of the chain's server in FAMILY (4|6).
server() {
    if [[ $1 == 4 ]]; then echo "$LAB_S4"; else echo "$LAB_S6"; fi
}
