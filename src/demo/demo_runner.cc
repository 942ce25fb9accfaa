#include "demo/demo_runner.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "common/logging.h"
#include "demo/output_collector.h"
#include "history/reading_history.h"
#include "kafka/mock_cluster.h"
#include "kafka/reading_publisher.h"
#include "reading/timestamp.h"
#include "replay/replay_inputs.h"
#include "rules/rule_scorer.h"
#include "scoring/result_record.h"
#include "serving/model_scorer.h"
#include "serving/model_watcher.h"
#include "simulate/plant_simulator.h"
#include "stream/stream_processor.h"
#include "training/model_registration.h"
#include "training/trainer.h"

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

// Anomaly flags of one detector against the labels: per reading, and per
// data-set row (flagged when any of its readings is).
struct detector_evaluation {
  confusion_counts per_reading;
  std::map<std::pair<std::string, epoch_ns>, row_outcome> rows;
};

// Scores `readings` with the envelope rules on this thread, to compare with
// what the processor published.
detector_evaluation evaluate_rules(
    const std::vector<labelled_reading>& readings,
    const envelope_table& envelopes) {
  rule_scorer rules(envelopes);
  detector_evaluation out;
  for (const auto& item : readings) {
    if (!item.r.labels.anomaly) continue;
    score verdict = rules.score_one(item.r);
    bool label = *item.r.labels.anomaly;
    out.per_reading.add(verdict.anomaly, label);
    if (!item.r.asset_id) continue;
    out.rows[{*item.r.asset_id, item.r.timestamp}].add(verdict.anomaly, label,
                                                       verdict.confidence);
  }
  return out;
}

// The row verdict by mean probability is printed only when `probabilities`
// is true, because rule confidences are not probabilities.
void print_evaluation(const demo_inputs& inputs,
                      const std::vector<labelled_reading>& streamed,
                      const detector_evaluation& evaluation,
                      bool probabilities) {
  print_confusion("per reading", evaluation.per_reading);
  if (!inputs.skab) return;
  std::map<std::pair<std::string, epoch_ns>, std::size_t> row_of;
  for (const auto& item : streamed) {
    row_of[{item.r.asset_id.value_or(""), item.r.timestamp}] = item.row;
  }
  confusion_counts rows;
  confusion_counts test_rows;
  confusion_counts test_rows_mean;
  for (const auto& [key, outcome] : evaluation.rows) {
    rows.add(outcome.predicted, outcome.labelled_anomaly);
    auto row = row_of.find(key);
    if (row != row_of.end() && row->second >= kSkabTrainingRows) {
      test_rows.add(outcome.predicted, outcome.labelled_anomaly);
      test_rows_mean.add(outcome.mean_predicted(), outcome.labelled_anomaly);
    }
  }
  print_confusion("per row (any sensor flagged)", rows);
  print_confusion("per row, SKAB test parts (row>=400)", test_rows);
  if (probabilities) {
    print_confusion("  same, mean probability >= 0.5", test_rows_mean);
  }
}

void print_summary(const demo_inputs& inputs,
                   const std::vector<labelled_reading>& streamed,
                   const collected_outputs& out, const stream_stats& stats,
                   std::uint64_t published, double seconds,
                   const std::string& training) {
  std::cout << fmt::format("\nNT-SCADA demo on {}\n", inputs.description);
  if (!training.empty()) std::cout << training;
  for (const auto& [detector, count] : out.detectors) {
    std::cout << fmt::format("  {:<18} {} ({} results)\n", "detector", detector,
                             count);
  }
  std::cout << fmt::format("  {:<18} {}\n", "readings in", published);
  std::cout << fmt::format("  {:<18} {} ({} duplicates)\n", "results out",
                           out.results, out.duplicates);
  if (out.warming_up > 0) {
    std::cout << fmt::format("  {:<18} {} results while the sensor warmed up\n",
                             "warm-up", out.warming_up);
  }
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

  std::cout << "Anomaly flags of the stream processor against the labels:\n";
  bool models = false;
  for (const auto& [detector, count] : out.detectors) {
    models = models || detector.starts_with("model:");
  }
  print_evaluation(inputs, streamed, {out.per_reading, out.rows}, models);
  std::cout << "The envelope rules alone on the same readings:\n";
  print_evaluation(inputs, streamed, evaluate_rules(streamed, inputs.envelopes),
                   false);
}

// Splits `readings` by time: those before the time below which
// `fraction` of them lie train the models, the others are streamed. Both
// keep the order of `readings`.
std::pair<std::vector<labelled_reading>, std::vector<labelled_reading>>
split_by_time(const std::vector<labelled_reading>& readings, double fraction) {
  std::vector<epoch_ns> times;
  times.reserve(readings.size());
  for (const auto& item : readings) times.push_back(item.r.timestamp);
  std::size_t cut_index =
      static_cast<std::size_t>(fraction * static_cast<double>(times.size()));
  std::nth_element(times.begin(), times.begin() + cut_index, times.end());
  epoch_ns cut = times[cut_index];
  std::pair<std::vector<labelled_reading>, std::vector<labelled_reading>> out;
  for (const auto& item : readings) {
    (item.r.timestamp < cut ? out.first : out.second).push_back(item);
  }
  return out;
}

// Trains both models on `readings`, registers them and returns the
// references that pin exactly those versions, plus lines for the summary.
result<std::pair<model_references, std::string>, std::string>
train_and_register(const demo_options& options,
                   const std::vector<labelled_reading>& readings,
                   const envelope_table& envelopes) {
  auto logger = module_logger("demo");
  std::vector<const labelled_reading*> ordered;
  for (const auto& item : readings) ordered.push_back(&item);
  std::stable_sort(ordered.begin(), ordered.end(), [](auto* a, auto* b) {
    return a->r.timestamp < b->r.timestamp;
  });
  reading_history history;
  history.reserve(ordered.size());
  for (const auto* item : ordered) history.append(item->r);

  training_options training;
  training.threads = options.threads;
  logger->info("training on {} readings with {} threads", history.size(),
               training.threads);
  auto started = std::chrono::steady_clock::now();
  auto outcome = train_models(history, envelopes, training);
  if (!outcome) return failure{"training failed: " + outcome.error()};
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();

  epoch_ns now = wall_clock_now();
  training_run run;
  run.version = compact_version(now);
  run.created = format_rfc3339(now);
  run.window = {
      history.timestamps().front(), history.timestamps().back() + 1, {}};
  run.source = "demo";
  run.envelopes = envelopes.name();
  run.options = training;
  local_registry registry(options.registry);
  auto registered = register_trained_models(registry, run, outcome.value());
  if (!registered) return failure{registered.error()};
  model_references references;
  references.anomaly = fmt::format("{}@{}", registered->anomaly.name,
                                   registered->anomaly.version);
  references.state =
      fmt::format("{}@{}", registered->state.name, registered->state.version);
  std::string lines = fmt::format(
      "  {:<18} {} readings up to {}, {:.1f} s; held-out F1 {:.3f}\n"
      "  {:<18} {} and {} in {}\n",
      "trained on", history.size(), format_rfc3339(history.timestamps().back()),
      seconds, outcome->anomaly_metrics.f1, "registered", references.anomaly,
      references.state, options.registry.string());
  return std::make_pair(references, lines);
}

}  // namespace

int run_demo(const demo_options& options) {
  auto logger = module_logger("demo");
  auto inputs = resolve_inputs(options);
  if (!inputs) {
    logger->error("{}", inputs.error());
    return 2;
  }
  std::vector<labelled_reading> streamed;
  std::string training_lines;
  std::optional<model_references> references;
  if (options.rules_only) {
    streamed = inputs.value().readings;
  } else {
    auto [training, rest] =
        split_by_time(inputs.value().readings, options.training_fraction);
    streamed = std::move(rest);
    auto trained =
        train_and_register(options, training, inputs.value().envelopes);
    if (trained) {
      references = trained->first;
      training_lines = trained->second;
    } else {
      logger->warn("{}; streaming with the envelope rules", trained.error());
      training_lines =
          fmt::format("  {:<18} {}\n", "training", trained.error());
    }
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
  auto scorer = std::make_unique<model_scorer>(inputs.value().envelopes);
  serving_stats serving;
  if (references) {
    model_watch_options watch;
    watch.registry = options.registry;
    watch.references = *references;
    model_watcher(watch, *scorer, serving).check_now();
  }
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
    for (const auto& item : streamed) {
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
  print_summary(inputs.value(), streamed, out, processor.value()->stats(),
                expected.load(), seconds, training_lines);
  bool complete = out.results + out.deadletters == expected.load() &&
                  expected.load() == streamed.size();
  if (!complete) {
    std::cout << fmt::format(
        "INCOMPLETE: {} readings published, {} acknowledged, {} outputs "
        "read\n",
        streamed.size(), expected.load(), out.results + out.deadletters);
  }
  return complete ? EXIT_SUCCESS : EXIT_FAILURE;
}

}  // namespace ntscada
