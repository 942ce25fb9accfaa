add_library(kafka_test_support STATIC integration/kafka_test_support.cc
            integration/child_process.cc)
target_include_directories(kafka_test_support PUBLIC integration)
target_link_libraries(kafka_test_support PUBLIC ntscada::stream GTest::gtest)

add_executable(integration_tests integration/stream_processor_test.cc
               integration/stream_command_test.cc
               integration/model_serving_test.cc
               support/fake_mlflow_server.cc)
target_link_libraries(integration_tests PRIVATE kafka_test_support
                      ntscada::rules ntscada::serving ntscada::mlflow
                      simulated_models PkgConfig::HTTPLIB Threads::Threads
                      GTest::gtest_main)
target_compile_definitions(integration_tests PRIVATE
                           NTSCADA_BINARY="$<TARGET_FILE:ntscada>")
add_dependencies(integration_tests ntscada)
gtest_discover_tests(integration_tests PROPERTIES LABELS integration
                     DISCOVERY_TIMEOUT 30)

add_executable(train_command_tests integration/train_command_test.cc
               integration/child_process.cc support/fake_mlflow_server.cc)
target_include_directories(train_command_tests PRIVATE integration .)
target_link_libraries(train_command_tests PRIVATE ntscada::common
                      PkgConfig::HTTPLIB simdjson::simdjson Threads::Threads
                      GTest::gtest_main)
target_compile_definitions(train_command_tests PRIVATE
  NTSCADA_BINARY="$<TARGET_FILE:ntscada>"
  NTSCADA_SHARED_DATA="${NTSCADA_SHARED_DATA}"
  NTSCADA_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
add_dependencies(train_command_tests ntscada)
gtest_discover_tests(train_command_tests PROPERTIES LABELS integration
                     DISCOVERY_TIMEOUT 30)
