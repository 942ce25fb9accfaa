add_executable(registry_tests unit/local_registry_test.cc
               unit/model_archive_test.cc)
target_link_libraries(registry_tests PRIVATE ntscada::registry
                      PkgConfig::ARCHIVE GTest::gtest_main)
gtest_discover_tests(registry_tests PROPERTIES LABELS unit)

add_executable(config_tests unit/config_sources_test.cc)
target_link_libraries(config_tests PRIVATE ntscada::config GTest::gtest_main)
gtest_discover_tests(config_tests PROPERTIES LABELS unit)
