# Tests of the data-set readers, the plant simulator and the envelope files.
# Included from tests/CMakeLists.txt. Tests that need the data sets skip
# themselves when NTSCADA_SHARED_DATA does not exist.
if(NOT TARGET GTest::gtest_main)
  find_package(GTest REQUIRED)
endif()
include(GoogleTest)

if(NOT DEFINED NTSCADA_SHARED_DATA)
  set(NTSCADA_SHARED_DATA "${PROJECT_SOURCE_DIR}/../shared/data")
endif()

add_executable(data_tests
  ${CMAKE_CURRENT_LIST_DIR}/skab_reader_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/nab_reader_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/plant_simulator_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/envelope_files_test.cc)
target_link_libraries(data_tests PRIVATE ntscada::replay ntscada::simulate
                      ntscada::rules ntscada::scoring GTest::gtest_main)
target_compile_definitions(data_tests PRIVATE
  NTSCADA_SHARED_DATA_DIR="${NTSCADA_SHARED_DATA}"
  NTSCADA_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
gtest_discover_tests(data_tests PROPERTIES LABELS unit)
