#include "demo/demo_runner.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "common/logging.h"
#include "demo/output_collector.h"
#include "kafka/mock_cluster.h"
#include "kafka/reading_publisher.h"
#include "reading/timestamp.h"
#include "replay/replay_inputs.h"
#include "rules/rule_scorer.h"
#include "scoring/result_record.h"
#include "simulate/plant_simulator.h"
#include "stream/stream_processor.h"

namespace ntscada {
namespace {

// The SKAB benchmark treats the first 400 rows of each file as training
// data and scores only the rest.
constexpr std::size_t kSkabTrainingRows = 400;

// Most readings the demo publishes ahead of what it has read back: 5,000
// results of about 470 bytes stay well under 5 MiB even on one partition.
constexpr std::uint64_t kMaxLag = 5'000;

struct demo_inputs {
  std::string description;
  std::vector<labelled_reading> readings;
  envelope_table envelopes;
  bool skab = false;
};

std::vector<std::filesystem::path> source_roots() {
  std::vector<std::filesystem::path> roots{std::filesystem::current_path()};
#ifdef NTSCADA_SOURCE_DIR
  roots.emplace_back(NTSCADA_SOURCE_DIR);
#endif
  return roots;
}

// Finds `relative` under the clone's folder or its parent.
std::optional<std::filesystem::path> find_beside_clone(
    const std::filesystem::path& relative) {
  for (const auto& root : source_roots()) {
    for (const auto& candidate : {root / relative, root / ".." / relative}) {
      std::error_code error;
      if (std::filesystem::exists(candidate, error)) {
        return std::filesystem::weakly_canonical(candidate);
      }
    }
  }
  return std::nullopt;
}

result<demo_inputs, std::string> simulated_inputs(std::uint64_t seed) {
  constexpr int kTicks = 2 * 24 * 60;  // two days at one-minute steps
  plant_options plant;
  plant.seed = seed;
  plant.step = 60'000'000'000;
  plant.start_time = wall_clock_now() - kTicks * plant.step;
  auto simulator = plant_simulator::create(plant);
  if (!simulator) return failure{simulator.error()};
  demo_inputs inputs;
  for (int tick = 0; tick < kTicks; ++tick) {
    for (const reading& r : simulator.value().next_tick()) {
      inputs.readings.push_back({r, static_cast<std::size_t>(tick)});
    }
  }
  auto table = envelope_table::parse(plant_envelope_toml(), "simulator");
  if (!table) return failure{table.error()};
  inputs.envelopes = std::move(table.value());
  inputs.description = fmt::format(
      "the plant simulator (seed {}, {} assets, two days at one-minute "
      "steps)",
      seed, plant.asset_count);
  return inputs;
}

result<demo_inputs, std::string> resolve_inputs(const demo_options& options) {
  std::vector<std::filesystem::path> data = options.data;
  bool defaulted = data.empty();
  if (defaulted) {
    auto skab = find_beside_clone("shared/data/skab/valve1");
    if (!skab) {
      std::cout << "No data set given and none found beside the clone "
                   "(../shared/data/skab/valve1); using the simulator.\n";
      return simulated_inputs(options.simulator_seed);
    }
    data.push_back(*skab);
  }

  auto readings = load_replay_inputs(data, {});
  if (!readings) return failure{readings.error()};
  demo_inputs inputs;
  inputs.readings = std::move(readings.value().readings);
  inputs.skab = readings.value().skab_only;
  std::string envelopes = options.envelopes;
  if (envelopes.empty() && inputs.skab) {
    auto found = find_beside_clone("config/envelopes/skab.toml");
    if (found) envelopes = found->string();
  }
  if (!envelopes.empty()) {
    auto table = envelope_table::load(envelopes);
    if (!table) return failure{table.error()};
    inputs.envelopes = std::move(table.value());
  }
  std::string names;
  for (const auto& path : data) {
    names += (names.empty() ? "" : ", ") + path.string();
  }
  inputs.description =
      fmt::format("{} ({} readings)", names, inputs.readings.size());
  return inputs;
}

void print_confusion(std::string_view title, const confusion_counts& counts) {
  std::cout << fmt::format(
      "  {:<34} precision {:.3f}  recall {:.3f}  F1 {:.3f}  FAR {:.2f} %  "
      "MAR {:.2f} %  (TP {} FP {} FN {} TN {})\n",
      title, counts.precision(), counts.recall(), counts.f1(),
      100 * counts.false_alarm_rate(), 100 * counts.missed_alarm_rate(),
      counts.true_positives, counts.false_positives, counts.false_negatives,
      counts.true_negatives);
}

void print_summary(const demo_inputs& inputs, const collected_outputs& out,
                   const stream_stats& stats, std::uint64_t published,
                   double seconds, const std::string& detector) {
  std::cout << fmt::format("\nNT-SCADA demo on {}\n", inputs.description);
  std::cout << fmt::format("  {:<18} {}\n", "detector", detector);
  std::cout << fmt::format("  {:<18} {}\n", "readings in", published);
  std::cout << fmt::format("  {:<18} {} ({} duplicates)\n", "results out",
                           out.results, out.duplicates);
  std::cout << fmt::format("  {:<18} {}\n", "dead letters", out.deadletters);
  for (const auto& [reason, count] : out.deadletter_reasons) {
    std::cout << fmt::format("    {:<16} {}\n", reason, count);
  }
  std::cout << fmt::format("  {:<18} {}\n", "anomalies", out.anomalies);
  std::cout << "  states\n";
  for (const auto& [state, count] : out.states) {
    std::cout << fmt::format("    {:<16} {}\n", state, count);
  }
  std::cout << fmt::format(
      "  {:<18} {:.0f} readings/s end to end ({} readings in {:.2f} s)\n",
      "throughput", static_cast<double>(published) / seconds, published,
      seconds);
  std::cout << fmt::format("  {:<18} consumed {} valid {} acknowledged {}\n",
                           "processor", stats.messages_consumed.load(),
                           stats.readings_valid.load(),
                           stats.results_acknowledged.load());

  std::cout << "Anomaly flags against the data set's labels:\n";
  print_confusion("per reading", out.per_reading);
  if (!inputs.skab) return;
  std::map<std::pair<std::string, epoch_ns>, std::size_t> row_of;
  for (const auto& item : inputs.readings) {
    row_of[{item.r.asset_id.value_or(""), item.r.timestamp}] = item.row;
  }
  confusion_counts rows;
  confusion_counts test_rows;
  for (const auto& [key, outcome] : out.rows) {
    rows.add(outcome.predicted, outcome.labelled_anomaly);
    auto row = row_of.find(key);
    if (row != row_of.end() && row->second >= kSkabTrainingRows) {
      test_rows.add(outcome.predicted, outcome.labelled_anomaly);
    }
  }
  print_confusion("per row (any sensor flagged)", rows);
  print_confusion("per row, SKAB test parts (row>=400)", test_rows);
}

}  // namespace

int run_demo(const demo_options& options) {
  auto logger = module_logger("demo");
  auto inputs = resolve_inputs(options);
  if (!inputs) {
    logger->error("{}", inputs.error());
    return 2;
  }

  auto cluster = mock_cluster::start(1);
  if (!cluster) {
    logger->error("{}", cluster.error());
    return EXIT_FAILURE;
  }
  topic_names topics;
  auto created = cluster.value()->create_topics(topics, options.partitions);
  if (!created) {
    logger->error("{}", created.error());
    return EXIT_FAILURE;
  }
  std::string brokers = cluster.value()->bootstrap_servers();
  logger->info("embedded broker bootstrap={} partitions={}", brokers,
               options.partitions);

  stream_options stream;
  stream.brokers = brokers;
  stream.group_id = "ntscada-demo";
  // The embedded broker delays an empty fetch for the whole wait.
  stream.consumer_properties = {{"fetch.wait.max.ms", "1"}};
  stream.poll_timeout = std::chrono::milliseconds(20);
  auto scorer = std::make_unique<rule_scorer>(inputs.value().envelopes);
  std::string detector = scorer->detector();
  auto processor = stream_processor::create(stream, std::move(scorer));
  if (!processor) {
    logger->error("{}", processor.error());
    return EXIT_FAILURE;
  }
  std::atomic<bool> stop_processor{false};
  std::thread processing([&] { processor.value()->run(stop_processor); });

  auto collector = output_collector::create(brokers, topics);
  auto publisher = reading_publisher::create(brokers, topics.sensors);
  if (!collector || !publisher) {
    logger->error("{}", !collector ? collector.error() : publisher.error());
    stop_processor = true;
    processing.join();
    return EXIT_FAILURE;
  }

  // Time the stream from the moment the processor owns its partitions, so
  // the consumer group's join delay is not counted as processing time.
  auto join_deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (processor.value()->stats().assigned_partitions.load() == 0 &&
         std::chrono::steady_clock::now() < join_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  std::atomic<std::uint64_t> expected{0};
  std::atomic<bool> publishing_done{false};
  auto started = std::chrono::steady_clock::now();
  std::thread publishing([&] {
    std::string json;
    std::uint64_t published = 0;
    for (const auto& item : inputs.value().readings) {
      // The embedded broker keeps only about 5 MiB per partition, so the
      // publisher stays at most kMaxLag readings ahead of the collector;
      // otherwise unread results could be dropped when one sensor's
      // partition fills up.
      while (published - collector.value()->progress() > kMaxLag) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
      ++published;
      json.clear();
      append_reading_json(json, item.r);
      publisher.value()->publish(item.r.sensor_id, json);
    }
    publisher.value()->flush(60'000);
    expected = publisher.value()->acknowledged();
    publishing_done = true;
  });
  collector.value()->collect(expected, publishing_done,
                             std::chrono::seconds(60));
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  publishing.join();
  stop_processor = true;
  processing.join();

  const collected_outputs& out = collector.value()->outputs();
  print_summary(inputs.value(), out, processor.value()->stats(),
                expected.load(), seconds, detector);
  bool complete = out.results + out.deadletters == expected.load() &&
                  expected.load() == inputs.value().readings.size();
  if (!complete) {
    std::cout << fmt::format(
        "INCOMPLETE: {} readings published, {} acknowledged, {} outputs "
        "read\n",
        inputs.value().readings.size(), expected.load(),
        out.results + out.deadletters);
  }
  return complete ? EXIT_SUCCESS : EXIT_FAILURE;
}

}  // namespace ntscada
