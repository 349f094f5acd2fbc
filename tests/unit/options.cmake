# The wping command-line parser (src/command/options.c), table-driven.
wping_unit_test(test_options ${CMAKE_CURRENT_LIST_DIR}/test_options.c)
target_link_libraries(test_options PRIVATE wping_options)

# Prove which getopt_long the parser really calls: gnulib's (prefixed rpl_) when
# WPING_GNULIB_GETOPT is on, the C library's otherwise.
if(WPING_GNULIB_GETOPT)
    set(wping_getopt_symbol "[TU] rpl_getopt_long\n")
else()
    set(wping_getopt_symbol "U getopt_long(@[A-Z_0-9.]+)?\n")
endif()
add_test(NAME unit.test_options_getopt_symbol COMMAND ${CMAKE_NM} $<TARGET_FILE:test_options>)
set_tests_properties(unit.test_options_getopt_symbol PROPERTIES LABELS unit
                     PASS_REGULAR_EXPRESSION "${wping_getopt_symbol}")

# The exit-policy decision of --require and --max-loss (src/command/exit_policy.c), a table.
wping_unit_test(test_exit_policy ${CMAKE_CURRENT_LIST_DIR}/test_exit_policy.c)
target_link_libraries(test_exit_policy PRIVATE wping_options)

# The --targets list: comma lists, @FILE lines with comments, @- (src/command/target_list.c).
wping_unit_test(test_target_list ${CMAKE_CURRENT_LIST_DIR}/test_target_list.c)
target_link_libraries(test_target_list PRIVATE wping_options)
