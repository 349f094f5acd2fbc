# The engine's pure layers, tested from bytes (white-box: they see the private headers).
wping_unit_test(test_packet test_packet.c)
target_link_libraries(test_packet PRIVATE wping_engine_internal)
wping_unit_test(test_ipopt test_ipopt.c)
target_link_libraries(test_ipopt PRIVATE wping_engine)
wping_unit_test(test_stamp test_stamp.c)
target_link_libraries(test_stamp PRIVATE wping_engine_internal)
wping_unit_test(test_ident test_ident.c)
target_link_libraries(test_ident PRIVATE wping_engine_internal)
