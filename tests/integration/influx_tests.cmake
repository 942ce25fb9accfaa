# Integration tests of the InfluxDB client, store and ingest against a real
# influxd (Debian package influxdb, installed by scripts/install-deps.sh)
# that the fixture in tests/support/influxd_server.h starts on loopback.
# A missing influxd fails these tests. Included from tests/CMakeLists.txt
# after integration_tests.cmake, whose kafka_test_support library they use.
if(NOT TARGET GTest::gtest_main)
  find_package(GTest REQUIRED)
endif()
include(GoogleTest)

add_library(influx_test_support STATIC
  ${CMAKE_CURRENT_LIST_DIR}/../support/influxd_server.cc)
target_include_directories(influx_test_support PUBLIC
                           ${CMAKE_CURRENT_LIST_DIR}/..)
target_link_libraries(influx_test_support PUBLIC ntscada::influx)

add_executable(influx_integration_tests
  ${CMAKE_CURRENT_LIST_DIR}/influx_store_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/influx_ingest_test.cc)
target_link_libraries(influx_integration_tests PRIVATE influx_test_support
                      kafka_test_support ntscada::replay ntscada::simulate
                      ntscada::features GTest::gtest_main)
target_compile_definitions(influx_integration_tests PRIVATE
  NTSCADA_BINARY="$<TARGET_FILE:ntscada>"
  NTSCADA_SHARED_DATA="${NTSCADA_SHARED_DATA}")
add_dependencies(influx_integration_tests ntscada)
gtest_discover_tests(influx_integration_tests PROPERTIES LABELS integration
                     DISCOVERY_TIMEOUT 30)
