# src/format: the statistics arithmetic and the ping.exe text formatter.
wping_unit_test(test_format test_format.c)
target_link_libraries(test_format PRIVATE wping_format m)

# src/format/output.c: the output stream over a descriptor.
wping_unit_test(test_output test_output.c)
target_link_libraries(test_output PRIVATE wping_format)
