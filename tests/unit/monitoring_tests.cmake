# Tests of the monitoring module (src/monitoring) and of the collectors
# that the kafka, stream, history and training modules add to it. Included from tests/CMakeLists.txt.
if(NOT TARGET GTest::gtest_main)
  find_package(GTest REQUIRED)
endif()
include(GoogleTest)

add_executable(monitoring_tests
  ${CMAKE_CURRENT_LIST_DIR}/exposition_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/histogram_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/endpoint_address_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/metrics_server_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/client_statistics_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/stream_metrics_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/ingest_metrics_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/training_exposition_test.cc)
target_link_libraries(monitoring_tests PRIVATE ntscada::monitoring_http
                      ntscada::stream ntscada::history ntscada::training
                      ntscada::serving
                      PkgConfig::HTTPLIB Threads::Threads
                      GTest::gtest_main)
gtest_discover_tests(monitoring_tests PROPERTIES LABELS unit)
