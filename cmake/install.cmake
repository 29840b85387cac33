# Installs the library, its headers and a CMake package, so that another project can
#   find_package(atomkv REQUIRED)
#   target_link_libraries(app PRIVATE atomkv::atomkv)   # or atomkv::resp for the codec alone
include(CMakePackageConfigHelpers)

install(TARGETS atomkv atomkv_resp EXPORT atomkvTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY keyvalue/include/atomkv DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY resp/include/atomkv DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT atomkvTargets
  NAMESPACE atomkv::
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/atomkv)

configure_package_config_file(cmake/atomkvConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/atomkvConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/atomkv)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/atomkvConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${CMAKE_CURRENT_BINARY_DIR}/atomkvConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/atomkvConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/atomkv)
