#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "cli/commands.h"
#include "cli/signals.h"
#include "common/logging.h"
#include "kafka/mock_cluster.h"
#include "kafka/topics.h"

namespace ntscada {
namespace {

struct broker_arguments {
  int partitions = 4;
  int brokers = 1;
  std::string address_file;
};

int run_broker(const broker_arguments& args) {
  auto logger = module_logger("broker");
  auto cluster = mock_cluster::start(args.brokers);
  if (!cluster) {
    logger->error("{}", cluster.error());
    return EXIT_FAILURE;
  }
  topic_names topics;
  auto created = cluster.value()->create_topics(topics, args.partitions);
  if (!created) {
    logger->error("{}", created.error());
    return EXIT_FAILURE;
  }
  std::string bootstrap = cluster.value()->bootstrap_servers();
  if (!args.address_file.empty()) {
    std::ofstream(args.address_file) << bootstrap << '\n';
  }
  std::cout << bootstrap << std::endl;
  logger->warn(
      "embedded broker started bootstrap={} partitions={}; it keeps "
      "data in memory only and is not for production",
      bootstrap, args.partitions);

  install_stop_signals();
  while (!stop_requested.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!args.address_file.empty()) std::filesystem::remove(args.address_file);
  logger->info("embedded broker stopped");
  return EXIT_SUCCESS;
}

}  // namespace

void add_broker_command(CLI::App& app) {
  auto args = std::make_shared<broker_arguments>();
  CLI::App* command = app.add_subcommand(
      "broker",
      "Run an embedded Kafka-protocol broker (librdkafka's mock cluster) on "
      "loopback and print its bootstrap address. It keeps data in memory "
      "only, about the last 5 MiB per partition, and is for development and "
      "tests, not for production.");
  command
      ->add_option("--partitions", args->partitions,
                   "Partitions of each scada.* topic")
      ->check(CLI::Range(1, 1000));
  command->add_option("--brokers", args->brokers, "Number of mock brokers")
      ->check(CLI::Range(1, 9));
  command->add_option("--address-file", args->address_file,
                      "Also write the bootstrap address to this file");
  command->callback([args] { std::exit(run_broker(*args)); });
}

}  // namespace ntscada
