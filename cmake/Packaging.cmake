# The Debian package: one package, wping, with the command, libicmpapi (shared, static,
# headers, pkg-config and CMake files), the man pages and the completions.
#   cmake -S . -B build/deb -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr
#   cmake --build build/deb && (cd build/deb && cpack)
# A /usr prefix at configure time gives Debian's multiarch libdir (GNUInstallDirs) and zsh
# directory (completions/CMakeLists.txt); the package installs under /usr either way.
if(NOT CMAKE_INSTALL_PREFIX MATCHES "^/usr/?$")
    message(STATUS "Packaging: configure with -DCMAKE_INSTALL_PREFIX=/usr for a Debian package "
                   "with Debian's library and zsh completion directories")
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME wping)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "wping takes the options of Windows ping.exe (-n, -t, -l, -w, /n 3, options after the
target) and prints its output line for line, so that parsers written for Windows keep
working; its exit status tells scripts whether any echo was answered. The package also
holds libicmpapi, the Windows ICMP echo API (IcmpSendEcho, IcmpSendEcho2, Icmp6SendEcho2
and their helpers) with Windows-style headers, pkg-config and CMake files, for porting
Windows programs, and completions for bash, zsh and fish.")
set(WPING_PACKAGE_MAINTAINER
    "wping maintainers <maintainers@users.noreply.h-seed-6038bedd.example>"
    CACHE STRING "Maintainer field of the Debian package")
set(CPACK_PACKAGE_CONTACT "${WPING_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${WPING_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)

# Depends from the libraries the binaries really link (dpkg-shlibdeps, in dpkg-dev); without
# that tool, the C library that the code needs (glibc 2.34 has libpthread merged into libc).
find_program(WPING_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(WPING_DPKG_SHLIBDEPS)
    set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
    set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6 (>= 2.34)")
endif()
# A shlibs file for libicmpapi.so.1. CPack adds ldconfig to a postrm of its own, but not to
# the postinst below: the ldconfig trigger (as debhelper writes it) covers installation.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS libcap2-bin)

# As Debian's iputils-ping does: give the installed wping cap_net_raw, so it works where
# net.ipv4.ping_group_range refuses datagram ICMP sockets. It never makes the install fail.
file(CONFIGURE OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/debian/postinst @ONLY CONTENT [[
#!/bin/sh
set -e
if [ "$1" = configure ]; then
    binary=@CPACK_PACKAGING_INSTALL_PREFIX@/@CMAKE_INSTALL_BINDIR@/wping
    if command -v setcap >/dev/null 2>&1; then
        setcap cap_net_raw+p "$binary" ||
            echo "wping: setcap cap_net_raw+p $binary failed: wping then needs" \
                "net.ipv4.ping_group_range to allow ICMP sockets, or root" >&2
    else
        echo "wping: setcap not found (install libcap2-bin, then run" \
            "setcap cap_net_raw+p $binary) so wping needs net.ipv4.ping_group_range" \
            "to allow ICMP sockets, or root" >&2
    fi
fi
]])
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/debian/triggers "activate-noawait ldconfig\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_CURRENT_BINARY_DIR}/debian/postinst
                                       ${CMAKE_CURRENT_BINARY_DIR}/debian/triggers)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
