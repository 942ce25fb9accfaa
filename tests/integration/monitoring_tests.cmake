# Integration tests of the metrics endpoints: an in-process stream processor
# against the embedded broker, checked with promtool, and the ntscada binary
# scraped by a real Prometheus server. Both tools come from Debian's
# prometheus package, which scripts/install-deps.sh installs; the tests fail
# rather than skip when it is missing. Included from tests/CMakeLists.txt
# after integration_tests.cmake, whose kafka_test_support library they use.
if(NOT TARGET GTest::gtest_main)
  find_package(GTest REQUIRED)
endif()
include(GoogleTest)

add_executable(monitoring_integration_tests
  ${CMAKE_CURRENT_LIST_DIR}/metrics_endpoint_test.cc)
target_link_libraries(monitoring_integration_tests PRIVATE kafka_test_support
                      ntscada::monitoring_http ntscada::rules
                      PkgConfig::HTTPLIB GTest::gtest_main)
gtest_discover_tests(monitoring_integration_tests PROPERTIES LABELS integration
                     DISCOVERY_TIMEOUT 30)

add_executable(prometheus_tests
  ${CMAKE_CURRENT_LIST_DIR}/prometheus_scrape_test.cc)
target_link_libraries(prometheus_tests PRIVATE kafka_test_support
                      PkgConfig::HTTPLIB GTest::gtest_main)
target_compile_definitions(prometheus_tests PRIVATE
                           NTSCADA_BINARY="$<TARGET_FILE:ntscada>")
add_dependencies(prometheus_tests ntscada)
gtest_discover_tests(prometheus_tests PROPERTIES LABELS integration
                     DISCOVERY_TIMEOUT 30)

# Offline checks of the deployment files in deploy/ with promtool, jq,
# yamllint, docker-compose and systemd-analyze.
add_test(NAME deploy_validate COMMAND ${PROJECT_SOURCE_DIR}/deploy/validate.sh)
set_tests_properties(deploy_validate PROPERTIES LABELS deploy TIMEOUT 120)
