# Install rules for libicmpapi (the Windows ICMP API library: shared and static, its
# Windows-style headers, pkg-config and CMake package files) and, with WPING_SETCAP, the file
# capability of the installed wping. wping, the man pages and the completions are installed by
# their own folders. Included at the end of the top-level CMakeLists.txt, so these rules run
# after those of every subdirectory (policy CMP0082).
include(CMakePackageConfigHelpers)

set(WPING_ICMPAPI_INCLUDEDIR ${CMAKE_INSTALL_INCLUDEDIR}/wping/win32)
set(WPING_ICMPAPI_PACKAGEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/icmpapi)

if(TARGET icmpapi AND TARGET icmpapi_static AND TARGET wping_engine)
    find_package(Threads REQUIRED)

    # icmpapi_static needs the engine archive beside it; porters get one archive that holds
    # both, so -licmpapi links statically with nothing else.
    add_library(icmpapi_archive STATIC $<TARGET_OBJECTS:icmpapi_static>
                                       $<TARGET_OBJECTS:wping_engine>)
    set_target_properties(icmpapi_archive PROPERTIES OUTPUT_NAME icmpapi
                          EXPORT_NAME icmpapi_static LINKER_LANGUAGE C)
    target_include_directories(icmpapi_archive INTERFACE
        $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/src/icmpapi/include>
        $<INSTALL_INTERFACE:${WPING_ICMPAPI_INCLUDEDIR}>)
    target_link_libraries(icmpapi_archive INTERFACE Threads::Threads)

    install(TARGETS icmpapi icmpapi_archive EXPORT icmpapiTargets
            LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
            ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
    # DllImport("icmp.dll") and DllImport("iphlpapi.dll") of .NET and Mono programs: symbolic
    # links to the SONAME (src/icmpapi/CMakeLists.txt says which names each runtime tries),
    # so that every name loads the one library, with one handle table and one last error.
    foreach(name ${WPING_DOTNET_NAMES})
        install(FILES $<TARGET_FILE_DIR:icmpapi>/${name} DESTINATION ${CMAKE_INSTALL_LIBDIR})
    endforeach()
    # Never loose in the include root: their windows.h would shadow any other.
    install(DIRECTORY ${PROJECT_SOURCE_DIR}/src/icmpapi/include/
            DESTINATION ${WPING_ICMPAPI_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")

    # find_package(icmpapi): icmpapi::icmpapi and icmpapi::icmpapi_static.
    install(EXPORT icmpapiTargets NAMESPACE icmpapi:: DESTINATION ${WPING_ICMPAPI_PACKAGEDIR})
    configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/icmpapiConfig.cmake.in
        ${CMAKE_CURRENT_BINARY_DIR}/icmpapiConfig.cmake
        INSTALL_DESTINATION ${WPING_ICMPAPI_PACKAGEDIR})
    write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/icmpapiConfigVersion.cmake
        VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
    install(FILES ${CMAKE_CURRENT_BINARY_DIR}/icmpapiConfig.cmake
                  ${CMAKE_CURRENT_BINARY_DIR}/icmpapiConfigVersion.cmake
            DESTINATION ${WPING_ICMPAPI_PACKAGEDIR})

    # icmpapi.pc names the prefix that `cmake --install --prefix` (or CPack) installs into,
    # which is known only at install time: the file is configured twice, now for everything
    # but the prefix and again while installing.
    set(WPING_PC_PREFIX "@WPING_PC_PREFIX@")
    foreach(dir LIBDIR INCLUDEDIR)
        if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
            set(WPING_PC_${dir} "${CMAKE_INSTALL_${dir}}")
        else()
            set(WPING_PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
        endif()
    endforeach()
    configure_file(${CMAKE_CURRENT_LIST_DIR}/icmpapi.pc.in
                   ${CMAKE_CURRENT_BINARY_DIR}/icmpapi.pc.in @ONLY)
    if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
        set(wping_pc_destination "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
    else()
        set(wping_pc_destination "\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig")
    endif()
    install(CODE "set(wping_pc_template \"${CMAKE_CURRENT_BINARY_DIR}/icmpapi.pc.in\")
                  set(wping_pc_destination \"${wping_pc_destination}\")")
    install(CODE [[
        set(WPING_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
        get_filename_component(wping_pc_dir "${wping_pc_template}" DIRECTORY)
        configure_file("${wping_pc_template}" "${wping_pc_dir}/icmpapi.pc" @ONLY)
        file(INSTALL DESTINATION "${wping_pc_destination}" TYPE FILE
             FILES "${wping_pc_dir}/icmpapi.pc")
    ]])
else()
    message(WARNING "libicmpapi targets (icmpapi, icmpapi_static, wping_engine) are missing: "
                    "the library, its headers and package files will not be installed")
endif()

# WPING_SETCAP: give the installed wping cap_net_raw in its permitted set, so that it can open
# a raw ICMP socket where net.ipv4.ping_group_range refuses datagram ones (wping raises the
# capability only to open the socket). Refusals are reported, never fatal: wping still runs
# wherever datagram ICMP sockets are allowed.
if(WPING_SETCAP)
    find_program(WPING_SETCAP_EXECUTABLE setcap PATHS /usr/sbin /sbin
                 DOC "setcap(8), used by WPING_SETCAP at install time")
    if(IS_ABSOLUTE "${CMAKE_INSTALL_BINDIR}")
        set(wping_setcap_binary "\$ENV{DESTDIR}${CMAKE_INSTALL_BINDIR}/wping")
    else()
        set(wping_setcap_binary
            "\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/wping")
    endif()
    install(CODE "set(wping_binary \"${wping_setcap_binary}\")
                  set(wping_setcap \"${WPING_SETCAP_EXECUTABLE}\")")
    install(CODE [[
        string(CONCAT wping_fix "wping still works where net.ipv4.ping_group_range allows "
               "ICMP sockets, elsewhere run as root: setcap cap_net_raw+p ${wping_binary}")
        if(NOT EXISTS "${wping_binary}")
            message(WARNING "WPING_SETCAP: ${wping_binary} is not installed, no capability set.")
        elseif(NOT wping_setcap OR NOT EXISTS "${wping_setcap}")
            message(WARNING "WPING_SETCAP: setcap was not found (Debian: apt-get install "
                            "libcap2-bin), so ${wping_binary} has no cap_net_raw. " "${wping_fix}")
        else()
            execute_process(COMMAND "${wping_setcap}" cap_net_raw+p "${wping_binary}"
                            RESULT_VARIABLE wping_result OUTPUT_VARIABLE wping_said
                            ERROR_VARIABLE wping_said)
            string(STRIP "${wping_said}" wping_said)
            execute_process(COMMAND id -u OUTPUT_VARIABLE wping_uid
                            OUTPUT_STRIP_TRAILING_WHITESPACE)
            if(wping_result EQUAL 0)
                message(STATUS "WPING_SETCAP: set cap_net_raw+p on ${wping_binary}")
            elseif(wping_said MATCHES "not supported")
                message(WARNING "WPING_SETCAP: the filesystem of ${wping_binary} does not "
                                "support file capabilities (setcap: ${wping_said}). " "${wping_fix}")
            elseif(wping_said MATCHES "not permitted" AND NOT wping_uid STREQUAL "0")
                message(WARNING "WPING_SETCAP: not root, so cap_net_raw+p was not set on "
                                "${wping_binary} (setcap: ${wping_said}). " "${wping_fix}")
            else()
                message(WARNING "WPING_SETCAP: setcap could not set cap_net_raw+p on "
                                "${wping_binary}: ${wping_said}. " "${wping_fix}")
            endif()
        endif()
    ]])
endif()

# The JSON Schema of `wping --format=json`, for consumers that validate the stream.
install(FILES ${PROJECT_SOURCE_DIR}/schema/wping-events.schema.json
        DESTINATION ${CMAKE_INSTALL_DATADIR}/wping)
