# Tests of model serving in src/serving with models trained in the suite
# from simulated data. Included from tests/CMakeLists.txt.
add_library(simulated_models STATIC
            ${CMAKE_CURRENT_LIST_DIR}/../support/simulated_models.cc)
target_include_directories(simulated_models PUBLIC ${CMAKE_CURRENT_LIST_DIR}/..)
target_link_libraries(simulated_models PUBLIC ntscada::training
                      ntscada::simulate GTest::gtest)

add_executable(serving_tests ${CMAKE_CURRENT_LIST_DIR}/serving_test.cc)
target_link_libraries(serving_tests PRIVATE ntscada::serving simulated_models
                      GTest::gtest_main)
gtest_discover_tests(serving_tests PROPERTIES LABELS unit
                     DISCOVERY_TIMEOUT 30)
