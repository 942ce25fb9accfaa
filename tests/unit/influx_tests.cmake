# Unit tests of the InfluxDB client in src/influx that need no server.
# Included from tests/CMakeLists.txt.
if(NOT TARGET GTest::gtest_main)
  find_package(GTest REQUIRED)
endif()
include(GoogleTest)

add_executable(influx_unit_tests
  ${CMAKE_CURRENT_LIST_DIR}/line_protocol_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/influx_protocol_test.cc)
target_link_libraries(influx_unit_tests PRIVATE ntscada::influx
                      GTest::gtest_main)
gtest_discover_tests(influx_unit_tests PROPERTIES LABELS unit)
