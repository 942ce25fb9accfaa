# Integration tests of `ntscada ingest` against the embedded broker.
# Included from tests/CMakeLists.txt; uses the kafka_test_support library
# from integration_tests.cmake.
if(NOT TARGET GTest::gtest_main)
  find_package(GTest REQUIRED)
endif()
include(GoogleTest)

add_executable(history_integration_tests
  ${CMAKE_CURRENT_LIST_DIR}/history_ingester_test.cc)
target_link_libraries(history_integration_tests PRIVATE kafka_test_support
                      ntscada::history SQLite::SQLite3 GTest::gtest_main)
gtest_discover_tests(history_integration_tests PROPERTIES LABELS integration
                     DISCOVERY_TIMEOUT 30)
