// Cost of scoring with trained models: the model scorer alone on
// micro-batches, and the stream processor serving models against the
// embedded broker. The models are trained once, on one simulated day, with
// the default sizes (a 200-tree forest of depth 15 and 150 boosting rounds
// of depth 5) unless NTSCADA_BENCH_SMALL_MODELS is set.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "history/reading_history.h"
#include "kafka/mock_cluster.h"
#include "kafka/reading_publisher.h"
#include "reading/timestamp.h"
#include "scoring/result_record.h"
#include "serving/model_scorer.h"
#include "serving/model_watcher.h"
#include "simulate/plant_simulator.h"
#include "stream/stream_processor.h"
#include "training/model_registration.h"
#include "training/trainer.h"

namespace ntscada {
namespace {

namespace fs = std::filesystem;

std::vector<reading> simulated(int first_tick, int ticks) {
  plant_options plant;
  plant.seed = 7;
  plant.step = 60'000'000'000;
  plant.start_time = 1'717'200'000'000'000'000;
  auto simulator = plant_simulator::create(plant).value();
  for (int t = 0; t < first_tick; ++t) simulator.next_tick();
  std::vector<reading> out;
  for (int t = 0; t < ticks; ++t) {
    for (const reading& r : simulator.next_tick()) out.push_back(r);
  }
  return out;
}

envelope_table plant_envelopes() {
  return envelope_table::parse(plant_envelope_toml(), "simulator").value();
}

// Trains and registers the models once per process.
const fs::path& registry_folder() {
  static const fs::path folder = [] {
    fs::path root = fs::temp_directory_path() /
                    ("ntscada-bench-serving-" + std::to_string(::getpid()));
    fs::remove_all(root);
    reading_history history;
    for (const reading& r : simulated(0, 24 * 60)) history.append(r);
    training_options options;
    if (std::getenv("NTSCADA_BENCH_SMALL_MODELS") != nullptr) {
      options.anomaly.trees = 20;
      options.anomaly.max_depth = 8;
      options.state.rounds = 20;
    }
    auto outcome = train_models(history, plant_envelopes(), options);
    if (!outcome) throw std::runtime_error(outcome.error());
    training_run run;
    run.version = compact_version(wall_clock_now());
    run.options = options;
    local_registry registry(root / "models");
    auto registered = register_trained_models(registry, run, outcome.value());
    if (!registered) throw std::runtime_error(registered.error());
    std::atexit([] {
      std::error_code ignored;
      fs::remove_all(fs::temp_directory_path() / ("ntscada-bench-serving-" +
                                                  std::to_string(::getpid())),
                     ignored);
    });
    return root / "models";
  }();
  return folder;
}

std::unique_ptr<model_scorer> scorer_with_models() {
  auto scorer = std::make_unique<model_scorer>(plant_envelopes());
  serving_stats stats;
  model_watch_options options;
  options.registry = registry_folder();
  model_watcher(options, *scorer, stats).check_now();
  if (stats.reloads != 1) throw std::runtime_error("models did not load");
  return scorer;
}

void model_scorer_batch(benchmark::State& state) {
  auto scorer = scorer_with_models();
  std::vector<reading> readings = simulated(24 * 60, 200);
  std::size_t batch = static_cast<std::size_t>(state.range(0));
  std::vector<score> scores(batch);
  std::size_t at = 0;
  for (auto _ : state) {
    if (at + batch > readings.size()) at = 0;
    scorer->score_batch(std::span(readings).subspan(at, batch), scores);
    benchmark::DoNotOptimize(scores.data());
    at += batch;
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(model_scorer_batch)->Arg(1)->Arg(100)->Arg(1000);

// 60,000 results of about 500 bytes over 8 partitions stay below the
// embedded broker's retention of about 5 MiB per partition.
void stream_processor_with_models(benchmark::State& state) {
  std::vector<reading> readings = simulated(24 * 60, 60'000 / 18);
  for (auto _ : state) {
    state.PauseTiming();
    auto cluster = mock_cluster::start(1);
    if (!cluster) throw std::runtime_error(cluster.error());
    topic_names topics;
    if (!cluster.value()->create_topics(topics, 8)) {
      throw std::runtime_error("cannot create topics");
    }
    std::string brokers = cluster.value()->bootstrap_servers();
    auto publisher = reading_publisher::create(brokers, topics.sensors);
    if (!publisher) throw std::runtime_error(publisher.error());
    std::string json;
    for (const reading& r : readings) {
      json.clear();
      append_reading_json(json, r);
      publisher.value()->publish(r.sensor_id, json);
    }
    publisher.value()->flush(60'000);

    stream_options options;
    options.brokers = brokers;
    options.consumer_properties = {{"fetch.wait.max.ms", "1"}};
    options.poll_timeout = std::chrono::milliseconds(20);
    auto processor = stream_processor::create(options, scorer_with_models());
    if (!processor) throw std::runtime_error(processor.error());
    std::atomic<bool> stop{false};
    std::thread thread([&] { processor.value()->run(stop); });
    const stream_stats& stats = processor.value()->stats();
    while (stats.assigned_partitions.load() == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    state.ResumeTiming();

    while (stats.results_acknowledged.load() < readings.size()) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }

    state.PauseTiming();
    stop = true;
    thread.join();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<std::int64_t>(readings.size()));
}
BENCHMARK(stream_processor_with_models)
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace ntscada
