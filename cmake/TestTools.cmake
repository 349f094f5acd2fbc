# Test tools (bats, mandoc, valgrind...) are looked up here, never REQUIRED: the quick start
# (cmake --preset dev) configures and builds with only a compiler and CMake. A missing tool
# does not drop its tests: they are registered as usual with the command tests/missing-tool,
# which fails saying what to install, so `ctest` (and tests/run, which installs every tool
# first) can never pass with a test silently left out.
#
#   wping_test_tool(VAR PROGRAM PACKAGE)
#
# Looks PROGRAM up into the cache variable VAR (as find_program does; -DVAR=path overrides)
# and sets VAR_COMMAND to the command that runs it: its path, or, when it is missing,
# tests/missing-tool PROGRAM PACKAGE. A failed lookup is repeated at every configure, so
# installing the tool and configuring again (tests/run does) finds it.
function(wping_test_tool var program package)
    find_program(${var} ${program})
    if(${var})
        set(${var}_COMMAND ${${var}} PARENT_SCOPE)
    else()
        set(${var}_COMMAND ${PROJECT_SOURCE_DIR}/tests/missing-tool ${program} ${package}
            PARENT_SCOPE)
        set_property(GLOBAL APPEND PROPERTY WPING_MISSING_TEST_TOOLS "${program} (${package})")
    endif()
endfunction()

# Says once, at the end of the configure step, which test tools are missing.
function(wping_report_test_tools)
    get_property(missing GLOBAL PROPERTY WPING_MISSING_TEST_TOOLS)
    if(missing)
        list(JOIN missing ", " missing)
        message(STATUS "Test tools not installed: ${missing}. The build does not need them; the tests "
                       "that need them fail until they are installed (tests/run installs them).")
    endif()
endfunction()
