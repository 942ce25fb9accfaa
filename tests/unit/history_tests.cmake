# Unit tests of the SQLite history store. Included from tests/CMakeLists.txt.
if(NOT TARGET GTest::gtest_main)
  find_package(GTest REQUIRED)
endif()
include(GoogleTest)

add_executable(history_unit_tests
  ${CMAKE_CURRENT_LIST_DIR}/sqlite_history_store_test.cc)
target_link_libraries(history_unit_tests PRIVATE ntscada::history
                      SQLite::SQLite3 GTest::gtest_main)
gtest_discover_tests(history_unit_tests PROPERTIES LABELS unit)
