# Tests of the MLflow client in src/registry/mlflow_client.h against the
# in-process fake server in tests/support. Included from tests/CMakeLists.txt.
if(NOT TARGET GTest::gtest_main)
  find_package(GTest REQUIRED)
endif()
include(GoogleTest)

add_executable(mlflow_tests
  ${CMAKE_CURRENT_LIST_DIR}/mlflow_client_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/mlflow_mirror_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/../support/fake_mlflow_server.cc)
target_include_directories(mlflow_tests PRIVATE ${CMAKE_CURRENT_LIST_DIR}/..)
target_link_libraries(mlflow_tests PRIVATE ntscada::mlflow PkgConfig::HTTPLIB
                      Threads::Threads GTest::gtest_main)
gtest_discover_tests(mlflow_tests PROPERTIES LABELS unit)
