# Tests of the evaluation metrics in src/training/metrics.h. Included from
# tests/CMakeLists.txt.
if(NOT TARGET GTest::gtest_main)
  find_package(GTest REQUIRED)
endif()
include(GoogleTest)

add_executable(metrics_tests ${CMAKE_CURRENT_LIST_DIR}/metrics_test.cc)
target_link_libraries(metrics_tests PRIVATE ntscada::metrics
                      GTest::gtest_main)
gtest_discover_tests(metrics_tests PROPERTIES LABELS unit)
