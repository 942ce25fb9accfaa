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

# InfluxDB 2.x mode against an in-process fake server.
add_executable(influx_v2_tests
  ${CMAKE_CURRENT_LIST_DIR}/influx_v2_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/../support/fake_influxdb2_server.cc)
target_include_directories(influx_v2_tests PRIVATE ${CMAKE_CURRENT_LIST_DIR}/..)
target_link_libraries(influx_v2_tests PRIVATE ntscada::influx
                      PkgConfig::HTTPLIB Threads::Threads GTest::gtest_main)
gtest_discover_tests(influx_v2_tests PROPERTIES LABELS unit)
