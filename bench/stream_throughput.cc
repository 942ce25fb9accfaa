// Throughput of the stream processor against the embedded broker: readings
// are loaded into scada.sensors first, then the processor runs until the
// broker has acknowledged a result for every one. The timer starts once the
// processor owns its partitions, so the consumer group's join delay is not
// counted.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "kafka/mock_cluster.h"
#include "kafka/reading_publisher.h"
#include "rules/rule_scorer.h"
#include "stream/stream_processor.h"

namespace ntscada {
namespace {

// 100,000 results of about 450 bytes over 8 partitions stay below the
// embedded broker's retention of about 5 MiB per partition.
constexpr int kPartitions = 8;

std::string load_readings(mock_cluster& cluster, std::int64_t count) {
  topic_names topics;
  auto created = cluster.create_topics(topics, kPartitions);
  if (!created) throw std::runtime_error(created.error());
  std::string brokers = cluster.bootstrap_servers();
  auto publisher = reading_publisher::create(brokers, topics.sensors);
  if (!publisher) throw std::runtime_error(publisher.error());
  for (std::int64_t i = 0; i < count; ++i) {
    std::string sensor = fmt::format("plant-1/asset-{}/s{}", i % 20, i % 6);
    publisher.value()->publish(
        sensor, fmt::format(R"({{"sensor_id":"{}","sensor_type":"temperature",)"
                            R"("value":{},"unit":"C","timestamp":{}}})",
                            sensor, 15 + i % 80, 1'717'243'200'000 + i));
  }
  publisher.value()->flush(60'000);
  return brokers;
}

void stream_processor_throughput(benchmark::State& state) {
  std::int64_t count = state.range(0);
  for (auto _ : state) {
    state.PauseTiming();
    auto cluster = mock_cluster::start(1);
    if (!cluster) throw std::runtime_error(cluster.error());
    std::string brokers = load_readings(*cluster.value(), count);
    stream_options options;
    options.brokers = brokers;
    options.consumer_properties = {{"fetch.wait.max.ms", "1"}};
    options.poll_timeout = std::chrono::milliseconds(20);
    auto processor = stream_processor::create(
        options, std::make_unique<rule_scorer>(envelope_table{}));
    if (!processor) throw std::runtime_error(processor.error());
    std::atomic<bool> stop{false};
    std::thread thread([&] { processor.value()->run(stop); });
    const stream_stats& stats = processor.value()->stats();
    while (stats.assigned_partitions.load() == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    state.ResumeTiming();

    while (stats.results_acknowledged.load() <
           static_cast<std::uint64_t>(count)) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }

    state.PauseTiming();
    stop = true;
    thread.join();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * count);
}
BENCHMARK(stream_processor_throughput)
    ->Arg(100'000)
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace ntscada
