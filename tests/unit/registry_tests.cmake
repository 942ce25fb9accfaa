add_executable(registry_tests unit/local_registry_test.cc
               unit/model_archive_test.cc)
target_link_libraries(registry_tests PRIVATE ntscada::registry
                      PkgConfig::ARCHIVE GTest::gtest_main)
gtest_discover_tests(registry_tests PROPERTIES LABELS unit)
