add_executable(registry_tests unit/local_registry_test.cc)
target_link_libraries(registry_tests PRIVATE ntscada::registry
                      GTest::gtest_main)
gtest_discover_tests(registry_tests PROPERTIES LABELS unit)
