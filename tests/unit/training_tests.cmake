add_executable(training_tests unit/features_test.cc unit/training_test.cc)
target_link_libraries(training_tests PRIVATE ntscada::training
                      ntscada::simulate GTest::gtest_main)
gtest_discover_tests(training_tests PROPERTIES LABELS unit
                     DISCOVERY_TIMEOUT 30)
