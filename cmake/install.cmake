# `cmake --install build [--prefix P]`: headers (with the generated ones and the libtorch compat
# header), libtorsh.a and libtorsh.so, the torsh-train command, and a CMake package:
#   find_package(torsh REQUIRED)
#   target_link_libraries(app PRIVATE torsh::torsh)          # static library
#   target_link_libraries(app PRIVATE torsh::torsh_shared)   # shared library
#   target_link_libraries(app PRIVATE torsh::compat)         # <torch/torch.h> -> torsh (static)
include(CMakePackageConfigHelpers)
include(GNUInstallDirs)

set(TORSH_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/torsh)
install(TARGETS torsh torsh_shared torsh_compat EXPORT torshTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/include/torsh DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${GEN_DIR}/include/torsh/generated
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/torsh)
install(EXPORT torshTargets NAMESPACE torsh:: DESTINATION ${TORSH_CMAKE_DIR})

file(WRITE ${CMAKE_BINARY_DIR}/cmake-package/torshConfig.cmake
[=[# torsh's CMake package: the imported targets torsh::torsh (static), torsh::torsh_shared
# and torsh::compat (static, with the compat include directory first for <torch/torch.h>).
include(CMakeFindDependencyMacro)
find_dependency(OpenMP)
find_dependency(ZLIB)
include("${CMAKE_CURRENT_LIST_DIR}/torshTargets.cmake")
]=])
write_basic_package_version_file(${CMAKE_BINARY_DIR}/cmake-package/torshConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/cmake-package/torshConfig.cmake
              ${CMAKE_BINARY_DIR}/cmake-package/torshConfigVersion.cmake
        DESTINATION ${TORSH_CMAKE_DIR})
